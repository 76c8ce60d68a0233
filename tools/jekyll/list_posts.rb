# Jekyll's own view of the lab site's posts, drafts and unpublished ones included:
# one JSON object per post (source path, url, published flag). Usage: ruby list_posts.rb SITE URL
require "jekyll"
require "json"

site_dir, url = ARGV
config = Jekyll.configuration("source" => site_dir, "url" => url, "quiet" => true,
                              "show_drafts" => true, "unpublished" => true)
site = Jekyll::Site.new(config)
site.reset
site.read
posts = site.posts.docs.map do |doc|
  { "path" => doc.relative_path, "url" => url + doc.url, "title" => doc.data["title"],
    "date" => doc.date.iso8601, "draft" => doc.draft?, "published" => doc.data.fetch("published", true) }
end
puts JSON.generate(posts)
