// SPDX-License-Identifier: GPL-2.0
//
// ftx's flame graph and Chrome JSON in a real browser: Debian's headless
// Chromium driven by puppeteer-core, speedscope (npm) served on localhost.
//   node run.mjs FTX OUTDIR FIXTURE.dat...
// For each fixture: the SVG renders frames (a screenshot that is not blank),
// Ctrl-F search paints the matches and shows the matched % that the folded
// file gives, a click zooms a frame to the full width and Reset Zoom undoes
// it; speedscope loads the folded stacks and the Chrome JSON and draws them.
// Writes OUTDIR/flame-<name>.png (the README's picture comes from here).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { PNG } from 'pngjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const [ftx, outdir, ...fixtures] = process.argv.slice(2);
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
let failures = 0, passed = 0;

function check(ok, what) {
	if (ok) {
		passed++;
		console.log(`ok   ${what}`);
	} else {
		failures++;
		console.log(`FAIL ${what}`);
	}
}

// Not blank: enough pixels away from the most common color, and many colors
function inked(pngbuf) {
	const png = PNG.sync.read(pngbuf);
	const counts = new Map();
	for (let i = 0; i < png.data.length; i += 4) {
		const k = (png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2];
		counts.set(k, (counts.get(k) || 0) + 1);
	}
	const total = png.data.length / 4;
	const top = Math.max(...counts.values());
	return { ink: 1 - top / total, colors: counts.size };
}

// The % of the total that frames matching @re cover, from the folded stacks
function folded_match(text, re) {
	let all = 0, hit = 0;
	for (const line of text.split('\n')) {
		const sp = line.lastIndexOf(' ');
		if (sp < 0)
			continue;
		const w = Number(line.slice(sp + 1));
		all += w;
		if (line.slice(0, sp).split(';').some((f) => re.test(f)))
			hit += w;
	}
	return all ? 100 * hit / all : 0;
}

const types = { '.svg': 'image/svg+xml', '.json': 'application/json', '.html': 'text/html',
		'.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
		'.png': 'image/png', '.txt': 'text/plain' };
const roots = { '/data/': outdir,
		'/speedscope/': path.join(here, 'node_modules/speedscope/dist/release') };
const server = http.createServer((req, res) => {
	const url = decodeURIComponent(req.url.split('?')[0].split('#')[0]);
	for (const [prefix, dir] of Object.entries(roots)) {
		if (!url.startsWith(prefix))
			continue;
		const file = path.join(dir, url.slice(prefix.length) || 'index.html');
		if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory())
			break;
		res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'text/plain',
				     'Access-Control-Allow-Origin': '*' });
		fs.createReadStream(file).pipe(res);
		return;
	}
	res.writeHead(404);
	res.end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await puppeteer.launch({
	executablePath: chromium,
	headless: true,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
	       '--disable-component-update', '--disable-sync', '--no-first-run',
	       // speedscope draws with WebGL: Chromium's software renderer
	       '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
});

async function flame_tests(name) {
	const page = await browser.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	await page.setViewport({ width: 1200, height: 800 });
	await page.goto(`${base}/data/${name}.svg`, { waitUntil: 'load' });
	const height = await page.$eval('svg', (svg) => parseInt(svg.getAttribute('height'), 10));
	await page.setViewport({ width: 1200, height: Math.max(height, 100) });
	const nframes = await page.$$eval('g.f', (g) => g.length);
	check(nframes > 20, `${name}: the SVG has ${nframes} frames`);
	const shot = await page.screenshot({ fullPage: true });
	fs.writeFileSync(path.join(outdir, `flame-${name}.png`), shot);
	const { ink, colors } = inked(shot);
	check(ink > 0.1 && colors > 20,
	      `${name}: the screenshot is not blank (${(ink * 100).toFixed(1)}% inked, ${colors} colors)`);
	check(errors.length === 0, `${name}: no script errors ${errors.join('; ')}`);

	// Ctrl-F: the prompt gets a regular expression
	const term = 'kmem_cache';
	page.once('dialog', (d) => d.accept(term));
	await page.keyboard.down('Control');
	await page.keyboard.press('f');
	await page.keyboard.up('Control');
	await page.waitForFunction(() => document.getElementById('matched').textContent.startsWith('Matched'));
	const shown = await page.$eval('#matched', (t) => t.textContent);
	const painted = await page.$$eval('g.f rect', (r) => r.filter((x) => x.getAttribute('fill') === 'rgb(230,0,230)').length);
	const want = folded_match(fs.readFileSync(path.join(outdir, `${name}.folded`), 'utf8'), new RegExp(term));
	check(painted > 0, `${name}: search paints ${painted} frames`);
	check(shown === `Matched: ${want.toFixed(1)}%`,
	      `${name}: search shows '${shown}', the folded stacks give ${want.toFixed(1)}%`);
	fs.writeFileSync(path.join(outdir, `flame-${name}-search.png`), await page.screenshot({ fullPage: true }));

	// a click zooms the frame to the whole width; Reset Zoom undoes it
	const target = 'do_filp_open';
	const box = await (await page.$(`g.f[data-n="${target}"] rect`)).boundingBox();
	const width0 = box.width;
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
	const zoomed = await page.$eval(`g.f[data-n="${target}"] rect`, (r) => parseFloat(r.getAttribute('width')));
	const hidden = await page.$$eval('g.f', (g) => g.filter((x) => x.style.display === 'none').length);
	const reset = await page.$eval('#unzoom', (t) => t.style.opacity);
	check(Math.abs(zoomed - 1180) < 0.5 && width0 < 1170,
	      `${name}: a click on ${target} zooms it from ${width0.toFixed(1)} to ${zoomed.toFixed(1)} px`);
	check(hidden > 0 && reset === '1', `${name}: zoom hides ${hidden} frames, shows Reset Zoom`);
	fs.writeFileSync(path.join(outdir, `flame-${name}-zoom.png`), await page.screenshot({ fullPage: true }));
	await page.click('#unzoom');
	const back = await page.$eval(`g.f[data-n="${target}"] rect`, (r) => parseFloat(r.getAttribute('width')));
	check(Math.abs(back - width0) < 0.5, `${name}: Reset Zoom gives back ${back.toFixed(1)} px`);
	await page.close();
}

async function speedscope_test(name, file, what) {
	const page = await browser.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	await page.setViewport({ width: 1200, height: 700 });
	await page.goto(`${base}/speedscope/index.html#profileURL=${encodeURIComponent(`${base}/data/${file}`)}`,
			{ waitUntil: 'networkidle0' });
	await page.waitForFunction((f) => document.title.includes(f), { timeout: 20000 }, file)
		.catch(() => {});
	await new Promise((r) => setTimeout(r, 1000));
	const title = await page.title();
	const shot = await page.screenshot();
	fs.writeFileSync(path.join(outdir, `speedscope-${name}-${what}.png`), shot);
	const { ink, colors } = inked(shot);
	const body = await page.$eval('body', (b) => b.innerText);
	check(title.includes(file) && !/error|could not|failed/i.test(body),
	      `${name}: speedscope loads the ${what} (title '${title}')`);
	check(ink > 0.1 && colors > 20,
	      `${name}: speedscope draws the ${what} (${(ink * 100).toFixed(1)}% inked, ${colors} colors)`);
	check(errors.length === 0, `${name}: speedscope runs without errors ${errors.join('; ')}`);
	await page.close();
}

try {
	for (const dat of fixtures) {
		const name = path.basename(path.dirname(dat)).replace(/^linux-6\.1-/, '') + '-' +
			     path.basename(dat, '.dat').replace(/\.v[67]$/, '');
		const run = (...a) => execFileSync(ftx, a, { stdio: ['ignore', 'pipe', 'pipe'] });
		run('flame', '-i', dat, '-o', path.join(outdir, `${name}.svg`));
		run('flame', '-i', dat, '--folded', '-o', path.join(outdir, `${name}.folded`));
		run('export', '-i', dat, '--chrome', path.join(outdir, `${name}.json`));
		run('export', '-i', dat, '--no-args', '--chrome', path.join(outdir, `${name}-noargs.json`));
		await flame_tests(name);
		await speedscope_test(name, `${name}.folded`, 'folded stacks');
		await speedscope_test(name, `${name}.json`, 'Chrome JSON');
		await speedscope_test(name, `${name}-noargs.json`, 'Chrome JSON without args');
	}
} catch (e) {
	check(false, `exception: ${e.stack || e}`);
} finally {
	await browser.close();
	server.close();
}
console.log(`browser: ${passed} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
