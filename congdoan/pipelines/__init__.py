"""congdoan.pipelines."""
