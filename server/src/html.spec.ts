import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, html, jsonBlock } from './html.ts';

test('interpolated values are escaped; nested templates and arrays pass through once', () => {
  const model = `<img src=x onerror="alert('x')">`;
  const out = html`<td title="${model}">${model}</td>${[html`<b>${'&'}</b>`, 'a<b']}`.text;
  assert.equal(out, '<td title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;</td><b>&amp;</b>a&lt;b');
  assert.equal(html`${null}${undefined}${false}${0}`.text, '0');
  assert.equal(escapeHtml('`'), '&#96;');
});

test('a JSON block cannot be closed early by the data it carries', () => {
  const data = { model: '</script><script>alert(1)</script><!--', sep: '\u2028' };
  const block = jsonBlock('page-data', data).text;
  assert.equal(block.match(/<\/script>/g)?.length, 1, 'only the block\'s own end tag');
  assert.ok(!block.includes('<!--'));
  const json = block.slice(block.indexOf('>') + 1, block.lastIndexOf('</script>'));
  assert.deepEqual(JSON.parse(json), data, 'the page script reads back exactly the data');
});
