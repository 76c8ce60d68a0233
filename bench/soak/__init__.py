"""``python -m bench.soak``: many nights of congdoan, compressed, with things going wrong.

The real scheduler (``congdoan schedule run --queue``) on PostgreSQL queues
crawls on Redis for two ``congdoan worker --crawls`` (each a "machine" with its
own data directory), over 20 simulated portals with faults (``world``). A
*cycle* is one tick of the scheduler's cron (10 s by default): at each tick
the sites due are queued; each site's next run is the next tick plus a random
jitter (``--jitter``), so a site is crawled every few cycles and the crawls
spread over them, as the nightly slots spread a real night. Between cycles
new items appear, troubles switch on and off, and at random moments a
worker, a crawl child and the scheduler are SIGKILLed (and the worker and
scheduler started again, as systemd would). Watches send every new article
by e-mail (an aiosmtpd sink) and webhook (an HTTP receiver).

After the last cycle the soak lets every portal be crawled once more after
its last change, stops the scheduler, lets the workers drain the queue,
stops them, and checks (``checks``), printing one table. Exit 0 when every
check holds, 1 otherwise. See docs/reliability.md ("Soak").
"""
