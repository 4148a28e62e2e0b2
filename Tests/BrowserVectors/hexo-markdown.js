// Renders Hexo posts' bodies as Hexo does (hexo-renderer-marked's defaults), with Debian's marked:
// node hexo-markdown.js IN.md OUT.html [IN.md OUT.html ...]; the front matter is left out.
const fs = require('fs');
const { marked } = require('/usr/share/nodejs/marked');
marked.setOptions({ gfm: true, breaks: true, pedantic: false, smartypants: true });
for (let i = 2; i + 1 < process.argv.length; i += 2) {
    const text = fs.readFileSync(process.argv[i], 'utf8');
    const match = text.match(/^\n?---\n[\s\S]*?\n---\n?([\s\S]*)$/);
    fs.writeFileSync(process.argv[i + 1], marked.parse(match ? match[1] : text));
}
