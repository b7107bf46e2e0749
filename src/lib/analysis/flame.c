// SPDX-License-Identifier: GPL-2.0
/*
 * Flame graphs of the call tree: an interactive SVG drawn here (no
 * flamegraph.pl needed) and folded stacks for flamegraph.pl and speedscope.
 *
 * The SVG holds one <g class="f"> per call path with its place in weight units
 * (data-x, data-w) and depth (data-d); the script zooms by recomputing the
 * rectangles from those, so the file needs nothing but a browser.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/analysis.h"
#include "ftx/error.h"
#include "analysis-local.h"

#define FRAME_H		16
#define FONT_SIZE	12
#define PAD		10
#define TOP		60	/* title, subtitle, buttons */
#define BOTTOM		30	/* details and match lines */
#define MAX_FLAME_DEPTH	1024

struct flame {
	struct ftx_calltree *ct;
	const struct ftx_flame_opts *fo;
	FILE *out;
	bool time;
	int width;
	double scale;		/* px per weight unit */
	unsigned long long total;
	int max_depth;
	int height;
	unsigned long long omitted;
	char path[16384];
};

static void xml_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			/* control bytes are not allowed in XML 1.0 */
			fputc((unsigned char)*s < 0x20 ? '?' : *s, out);
		}
	}
}

/* flamegraph.pl's "hot" palette, seeded by the name so colors are stable */
static void color(const char *name, const struct ftx_cnode *n, char *buf, size_t len)
{
	unsigned int h = 2166136261u;
	const char *p;

	if (n->kind == FTX_CNODE_TASK) {
		snprintf(buf, len, "rgb(120,160,220)");
		return;
	}
	if (n->kind == FTX_CNODE_EVENT) {
		snprintf(buf, len, "rgb(80,190,120)");
		return;
	}
	if (n->lost_cut) {
		snprintf(buf, len, "rgb(200,40,40)");	/* broken by lost events */
		return;
	}
	if (n->cut) {
		snprintf(buf, len, "rgb(170,170,190)");	/* cut by the trace's ends */
		return;
	}
	for (p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(buf, len, "rgb(%u,%u,%u)", 205 + (h % 50), (h >> 8) % 230, (h >> 16) % 55);
}

static int depth_of(const struct ftx_cnode *n, int depth, int *max)
{
	if (depth > *max)
		*max = depth;
	if (depth >= MAX_FLAME_DEPTH)
		return 0;
	for (const struct ftx_cnode *c = n->child; c; c = c->next)
		if (c->kind != FTX_CNODE_LOST)
			depth_of(c, depth + 1, max);
	return 0;
}

/*
 * A frame's width: its own weight and its children's widths, what the folded
 * file gives the path (flamegraph.pl draws that). It is the path's total but
 * where the kernel's duration of a call is less than its children's (6.1
 * prints 2 us for a __cond_resched whose interrupts inside took 500 us):
 * the children then widen it, so that they fit in it.
 */
static unsigned long long span(const struct ftx_cnode *n, int depth)
{
	unsigned long long w = n->self;

	if (depth >= MAX_FLAME_DEPTH)
		return n->total;
	for (const struct ftx_cnode *c = n->child; c; c = c->next)
		if (c->kind != FTX_CNODE_LOST)
			w += span(c, depth + 1);
	return w;
}

static void weight_text(struct flame *fl, const struct ftx_cnode *n, unsigned long long w,
			char *buf, size_t len)
{
	char t[32];
	double pct = fl->total ? 100.0 * (double)w / (double)fl->total : 0;

	if (fl->time)
		snprintf(buf, len, "%s, %.2f%%", ftx_analysis_time(n->total, t, sizeof(t)), pct);
	else
		snprintf(buf, len, "%llu hits, %.2f%%", n->total, pct);
}

static void frame(struct flame *fl, const struct ftx_cnode *n, const char *name,
		  unsigned long long x, unsigned long long w, int depth)
{
	double px = PAD + x * fl->scale, pw = w * fl->scale;
	int y = fl->fo->inverted ? TOP + depth * FRAME_H :
		fl->height - BOTTOM - (depth + 1) * FRAME_H;
	char col[32], info[96];
	int chars = (int)((pw - 6) / (FONT_SIZE * 0.59));
	size_t nlen = strlen(name);

	color(name, n, col, sizeof(col));
	weight_text(fl, n, w, info, sizeof(info));
	fprintf(fl->out, "<g class=\"f\" data-x=\"%llu\" data-w=\"%llu\" data-d=\"%d\" data-n=\"",
		x, w, depth);
	xml_escape(fl->out, name);
	fputs("\"><title>", fl->out);
	xml_escape(fl->out, name);
	fprintf(fl->out, " (%s", info);
	if (n->kind == FTX_CNODE_FUNC && fl->time)
		fprintf(fl->out, "; %llu calls", n->calls);
	if (n->lost_cut)
		fprintf(fl->out, "; %llu calls broken by lost events", n->lost_cut);
	if (n->cut > n->lost_cut)
		fprintf(fl->out, "; %llu calls cut by the trace's start or end",
			n->cut - n->lost_cut);
	if (fl->time && w > n->total)
		fprintf(fl->out, "; the calls inside took %s",
			ftx_analysis_time(w - n->self, info, sizeof(info)));
	fprintf(fl->out, ")</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\" rx=\"2\" ry=\"2\"/><text x=\"%.2f\" y=\"%d\">",
		px, y, pw, FRAME_H - 1, col, px + 3, y + FRAME_H - 4);
	if (chars >= 3) {
		char shown[512];

		if ((size_t)chars >= nlen)
			snprintf(shown, sizeof(shown), "%s", name);
		else
			snprintf(shown, sizeof(shown), "%.*s..", chars - 2, name);
		xml_escape(fl->out, shown);
	}
	fputs("</text></g>\n", fl->out);
}

static int draw(struct flame *fl, const struct ftx_cnode *n, unsigned long long x, int depth)
{
	const struct ftx_cnode **v;
	unsigned long long w = span(n, depth);
	char buf[256];
	size_t k, i;

	if (w * fl->scale < fl->fo->min_width) {
		fl->omitted++;
		return 0;
	}
	if (n->kind == FTX_CNODE_ROOT)
		frame(fl, n, "all", x, w, depth);
	else
		frame(fl, n, ftx_calltree_name(fl->ct, n->kind, n->key, buf, sizeof(buf)), x, w,
		      depth);
	if (depth >= MAX_FLAME_DEPTH)
		return 0;
	v = ftx_analysis_children(fl->ct, n, &k, true);
	if (!v)
		return -1;
	for (i = 0; i < k; i++) {
		if (v[i]->kind == FTX_CNODE_LOST)
			continue;
		if (draw(fl, v[i], x, depth + 1)) {
			free(v);
			return -1;
		}
		x += span(v[i], depth + 1);
	}
	free(v);
	return 0;
}

/* The script: zoom, reset, search; names stay in data-n */
static const char script[] =
"<script type=\"text/ecmascript\"><![CDATA[\n"
"'use strict';\n"
"var W, PAD = " "10" ", FS = " "12" ", frames, details, matchedtext, unzoombtn, total, zoomed = null, term = null;\n"
"function init(evt) {\n"
"  var svg = document.documentElement;\n"
"  W = parseFloat(svg.getAttribute('width')) - 2 * PAD;\n"
"  frames = Array.prototype.slice.call(document.querySelectorAll('g.f'));\n"
"  details = document.getElementById('details');\n"
"  matchedtext = document.getElementById('matched');\n"
"  unzoombtn = document.getElementById('unzoom');\n"
"  total = frames.length ? parseFloat(frames[0].getAttribute('data-w')) : 0;\n"
"  frames.forEach(function (g) {\n"
"    g.addEventListener('click', function () { zoom(g); });\n"
"    g.addEventListener('mouseover', function () { details.textContent = g.querySelector('title').textContent; });\n"
"    g.addEventListener('mouseout', function () { details.textContent = ' '; });\n"
"  });\n"
"  window.addEventListener('keydown', function (e) {\n"
"    if ((e.ctrlKey || e.metaKey) && (e.key === 'f' || e.key === 'F')) { e.preventDefault(); search_prompt(); }\n"
"    else if (e.key === 'Escape') { reset_search(); unzoom(); }\n"
"  });\n"
"}\n"
"function num(g, a) { return parseFloat(g.getAttribute(a)); }\n"
"function fit(g, x, w) {\n"
"  var r = g.querySelector('rect'), t = g.querySelector('text'), name = g.getAttribute('data-n');\n"
"  r.setAttribute('x', x.toFixed(2)); r.setAttribute('width', w.toFixed(2));\n"
"  t.setAttribute('x', (x + 3).toFixed(2));\n"
"  var chars = Math.floor((w - 6) / (FS * 0.59));\n"
"  t.textContent = chars < 3 ? '' : (name.length <= chars ? name : name.substring(0, chars - 2) + '..');\n"
"}\n"
"function zoom(z) {\n"
"  var zx = num(z, 'data-x'), zw = num(z, 'data-w'), zd = num(z, 'data-d');\n"
"  zoomed = z;\n"
"  unzoombtn.style.opacity = '1';\n"
"  frames.forEach(function (g) {\n"
"    var x = num(g, 'data-x'), w = num(g, 'data-w'), d = num(g, 'data-d');\n"
"    if (d >= zd && x >= zx && x + w <= zx + zw) {\n"
"      g.style.display = ''; g.style.opacity = '1';\n"
"      fit(g, PAD + (x - zx) / zw * W, w / zw * W);\n"
"    } else if (d < zd && x <= zx && x + w >= zx + zw) {\n"
"      g.style.display = ''; g.style.opacity = '0.5';\n"
"      fit(g, PAD, W);\n"
"    } else {\n"
"      g.style.display = 'none';\n"
"    }\n"
"  });\n"
"  if (term !== null) search(term);\n"
"}\n"
"function unzoom() {\n"
"  zoomed = null;\n"
"  unzoombtn.style.opacity = '0';\n"
"  frames.forEach(function (g) {\n"
"    g.style.display = ''; g.style.opacity = '1';\n"
"    fit(g, PAD + num(g, 'data-x') / total * W, num(g, 'data-w') / total * W);\n"
"  });\n"
"  if (term !== null) search(term);\n"
"}\n"
"function search_prompt() {\n"
"  if (term !== null) { reset_search(); return; }\n"
"  var t = prompt('Search for (regular expression):', '');\n"
"  if (t !== null && t !== '') search(t);\n"
"}\n"
"function reset_search() {\n"
"  term = null;\n"
"  frames.forEach(function (g) { var r = g.querySelector('rect'); if (r.hasAttribute('data-fill')) { r.setAttribute('fill', r.getAttribute('data-fill')); r.removeAttribute('data-fill'); } });\n"
"  matchedtext.textContent = ' ';\n"
"  document.getElementById('search').textContent = 'Search';\n"
"}\n"
"function search(t) {\n"
"  var re, spans = [], base = zoomed, bx = 0, bw = total, sum = 0, end = -1;\n"
"  try { re = new RegExp(t); } catch (e) { return -1; }\n"
"  reset_search();\n"
"  term = t;\n"
"  if (base) { bx = num(base, 'data-x'); bw = num(base, 'data-w'); }\n"
"  frames.forEach(function (g) {\n"
"    if (!re.test(g.getAttribute('data-n'))) return;\n"
"    var r = g.querySelector('rect');\n"
"    r.setAttribute('data-fill', r.getAttribute('fill'));\n"
"    r.setAttribute('fill', 'rgb(230,0,230)');\n"
"    var x = num(g, 'data-x'), w = num(g, 'data-w');\n"
"    if (x + w <= bx || x >= bx + bw) return;\n"
"    spans.push([Math.max(x, bx), Math.min(x + w, bx + bw)]);\n"
"  });\n"
"  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
"  spans.forEach(function (s) {\n"
"    if (s[0] >= end) { sum += s[1] - s[0]; end = s[1]; }\n"
"    else if (s[1] > end) { sum += s[1] - end; end = s[1]; }\n"
"  });\n"
"  var pct = bw ? 100 * sum / bw : 0;\n"
"  matchedtext.textContent = 'Matched: ' + pct.toFixed(1) + '%';\n"
"  document.getElementById('search').textContent = 'Reset Search';\n"
"  return pct;\n"
"}\n"
"]]></script>\n";

static void header(struct flame *fl)
{
	const struct ftx_calltree_stats *st = ftx_calltree_stats(fl->ct);
	const char *title = fl->fo->title ? fl->fo->title : "Flame Graph";
	char t[32], sub[512];
	int n = 0;

	fprintf(fl->out,
		"<?xml version=\"1.0\" standalone=\"no\"?>\n"
		"<!-- drawn by ftx flame -->\n"
		"<svg version=\"1.1\" width=\"%d\" height=\"%d\" onload=\"init(evt)\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n"
		"<defs><linearGradient id=\"bg\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\"><stop stop-color=\"#eeeeee\" offset=\"5%%\"/><stop stop-color=\"#eeeeb0\" offset=\"95%%\"/></linearGradient></defs>\n"
		"<style type=\"text/css\">text { font-family: Verdana, sans-serif; font-size: %dpx; fill: rgb(0,0,0); } "
		"#title { font-size: 17px; } .btn { cursor: pointer; } g.f:hover rect { stroke: black; stroke-width: 0.5; cursor: pointer; }</style>\n",
		fl->width, fl->height, fl->width, fl->height, FONT_SIZE);
	fputs(script, fl->out);
	fprintf(fl->out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"url(#bg)\"/>\n",
		fl->width, fl->height);
	fprintf(fl->out, "<text id=\"title\" x=\"%d\" y=\"24\" text-anchor=\"middle\">", fl->width / 2);
	xml_escape(fl->out, title);
	fputs(": ", fl->out);
	xml_escape(fl->out, ftx_calltree_describe(fl->ct));
	fputs("</text>\n", fl->out);
	if (fl->time)
		n = snprintf(sub, sizeof(sub), "weight: time (function_graph), %s in all",
			     ftx_analysis_time(fl->total, t, sizeof(t)));
	else
		n = snprintf(sub, sizeof(sub), "weight: hits (%s), %llu in all",
			     st->stacks ? "kernel stack traces" : "function tracer, caller -> function",
			     fl->total);
	if (st->lost && n < (int)sizeof(sub))
		n += snprintf(sub + n, sizeof(sub) - n,
			      "; %llu EVENTS LOST: red frames are calls the loss broke", st->lost);
	if ((st->cut_end || st->cut_start) && n < (int)sizeof(sub))
		n += snprintf(sub + n, sizeof(sub) - n, "; grey frames: calls cut by the trace's ends");
	if (fl->fo->inverted && n < (int)sizeof(sub))
		snprintf(sub + n, sizeof(sub) - n, "; inverted (icicle)");
	fprintf(fl->out, "<text id=\"subtitle\" x=\"%d\" y=\"44\" text-anchor=\"middle\">", fl->width / 2);
	xml_escape(fl->out, sub);
	fputs("</text>\n", fl->out);
	fprintf(fl->out,
		"<text id=\"unzoom\" class=\"btn\" x=\"%d\" y=\"24\" onclick=\"unzoom()\" style=\"opacity:0\">Reset Zoom</text>\n"
		"<text id=\"search\" class=\"btn\" x=\"%d\" y=\"24\" onclick=\"search_prompt()\">Search</text>\n"
		"<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n"
		"<text id=\"matched\" x=\"%d\" y=\"%d\"> </text>\n"
		"<g id=\"frames\">\n",
		PAD, fl->width - PAD - 100, PAD, fl->height - 10, fl->width - PAD - 100,
		fl->height - 10);
}

static int nothing(struct ftx_calltree *ct)
{
	if (ftx_calltree_weight(ct) != FTX_WEIGHT_NONE && ftx_calltree_root(ct)->total)
		return 0;
	errno = ENOENT;
	ftx_error_set("nothing to draw: no function_graph, function or stack trace events in the trace");
	return -1;
}

int ftx_flame_svg(struct ftx_calltree *ct, const struct ftx_flame_opts *fo, FILE *out)
{
	struct ftx_flame_opts def = { 0 };
	struct flame *fl;
	int ret;

	if (nothing(ct))
		return -1;
	fl = calloc(1, sizeof(*fl));
	if (!fl)
		return -1;
	if (!fo)
		fo = &def;
	def = *fo;
	if (def.min_width <= 0)
		def.min_width = 0.1;
	fl->fo = &def;
	fl->ct = ct;
	fl->out = out;
	fl->time = ftx_calltree_weight(ct) == FTX_WEIGHT_TIME;
	fl->width = fo->width > 0 ? fo->width : 1200;
	fl->total = span(ftx_calltree_root(ct), 0);
	fl->scale = (double)(fl->width - 2 * PAD) / (double)fl->total;
	depth_of(ftx_calltree_root(ct), 0, &fl->max_depth);
	fl->height = TOP + (fl->max_depth + 1) * FRAME_H + BOTTOM;
	header(fl);
	ret = draw(fl, ftx_calltree_root(ct), 0, 0);
	fputs("</g>\n", out);
	if (fl->omitted)
		fprintf(out, "<!-- %llu call paths narrower than %.2f px left out -->\n", fl->omitted,
			def.min_width);
	fputs("</svg>\n", out);
	free(fl);
	return ret ? ret : ftx_analysis_flush(out);
}

static int folded(struct flame *fl, const struct ftx_cnode *n, size_t len)
{
	char buf[256];

	for (const struct ftx_cnode *c = n->child; c; c = c->next) {
		const char *name;
		size_t l;

		if (c->kind == FTX_CNODE_LOST)
			continue;
		name = ftx_calltree_name(fl->ct, c->kind, c->key, buf, sizeof(buf));
		l = strlen(name);
		if (len + l + 2 >= sizeof(fl->path))
			continue;	/* a path deeper than any kernel's: skip it */
		if (len)
			fl->path[len] = ';';
		/* folded frames are separated by ';' and end at the space */
		for (size_t i = 0; i < l; i++)
			fl->path[len + !!len + i] = (name[i] == ';' || name[i] == ' ') ? '_' : name[i];
		fl->path[len + !!len + l] = '\0';
		if (c->self)
			fprintf(fl->out, "%s %llu\n", fl->path, c->self);
		folded(fl, c, len + !!len + l);
		fl->path[len] = '\0';
	}
	return 0;
}

int ftx_flame_folded(struct ftx_calltree *ct, FILE *out)
{
	struct flame *fl;

	if (nothing(ct))
		return -1;
	fl = calloc(1, sizeof(*fl));
	if (!fl)
		return -1;
	fl->ct = ct;
	fl->out = out;
	folded(fl, ftx_calltree_root(ct), 0);
	for (const struct ftx_cnode *c = ftx_calltree_root(ct)->child; c; c = c->next)
		if (c->kind == FTX_CNODE_LOST)
			fprintf(out, "[%llu_events_lost_on_CPU_%d] 1\n", c->calls, (int)c->key);
	free(fl);
	return ftx_analysis_flush(out);
}
