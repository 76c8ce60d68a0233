// Hexo's own view of the lab site's posts (drafts included): JSON on stdout.
// Usage: node list_posts.js SITE_DIR   (run where hexo is installed)
const Hexo = require('hexo');

(async () => {
  const hexo = new Hexo(process.argv[2], { silent: true, draft: true });
  await hexo.init();
  await hexo.load();
  const posts = hexo.locals.get('posts').map(post => ({
    path: post.source, url: post.permalink, title: post.title,
    date: post.date.format('YYYY-MM-DDTHH:mm:ssZ'), published: post.published,
    categories: post.categories.map(c => c.name), tags: post.tags.map(t => t.name),
  }));
  process.stdout.write(JSON.stringify(posts));
  await hexo.exit();
})();
