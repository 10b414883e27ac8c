// casebench: zoom and pan of the full-size diagram, with the mouse (drag,
// wheel), the keyboard (+, -, arrows, 0 to fit) and touch (drag, pinch).
// Without it, the page shows the image at its own size, to scroll.
(function () {
  'use strict';

  var MIN = 0.05, MAX = 8, STEP = 1.25, PAN = 60;
  // Node labels are 11 pt, 14.7 px at the picture's own size; a picture
  // opens at no less than the scale that draws them at 10 px.
  var READABLE = 10 / 14.67;

  function zoomView(view, img) {
    var level = document.getElementById('zoom-level');
    var s = 1, x = 0, y = 0;
    var pointers = {}, pinch = null;

    function clamp(v) { return Math.min(MAX, Math.max(MIN, v)); }
    function apply() {
      img.style.transform = 'translate(' + x + 'px,' + y + 'px) scale(' + s + ')';
      view.setAttribute('data-scale', s.toFixed(3));
      view.setAttribute('data-x', x.toFixed(2));
      view.setAttribute('data-y', y.toFixed(2));
      if (level) level.textContent = Math.round(s * 100) + '%';
    }
    // fit shows the whole picture, centred, never larger than its own size.
    function fit() {
      var vw = view.clientWidth, vh = view.clientHeight;
      var w = img.naturalWidth, h = img.naturalHeight;
      if (!w || !h) return;
      s = clamp(Math.min(vw / w, vh / h, 1));
      x = Math.max(0, (vw - w * s) / 2);
      y = Math.max(0, (vh - h * s) / 2);
      apply();
    }
    // open shows the whole picture when its labels can be read so, and
    // otherwise the top of it, as wide as the window, with labels no
    // smaller than READABLE allows: the rest is a drag away, or Fit.
    function open() {
      var vw = view.clientWidth, vh = view.clientHeight;
      var w = img.naturalWidth, h = img.naturalHeight;
      if (!w || !h) return;
      if (Math.min(vw / w, vh / h, 1) >= READABLE) return fit();
      s = clamp(Math.min(1, Math.max(vw / w, READABLE)));
      x = Math.max(0, (vw - w * s) / 2);
      y = Math.max(0, (vh - h * s) / 2);
      apply();
    }
    // zoomAt scales by f, keeping the picture's point under (cx, cy) still.
    function zoomAt(f, cx, cy) {
      var ns = clamp(s * f);
      x = cx - (cx - x) * ns / s;
      y = cy - (cy - y) * ns / s;
      s = ns;
      apply();
    }
    // local is where an event is, from the corner the picture is placed from.
    function local(e) {
      var r = view.getBoundingClientRect();
      return [e.clientX - r.left - view.clientLeft, e.clientY - r.top - view.clientTop];
    }
    function middle() { return [view.clientWidth / 2, view.clientHeight / 2]; }
    function ids() { return Object.keys(pointers); }
    function spread() {
      var k = ids(), a = pointers[k[0]], b = pointers[k[1]];
      return { d: Math.max(1, Math.hypot(a[0] - b[0], a[1] - b[1])), m: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] };
    }

    view.classList.add('zooming');
    img.draggable = false;

    view.addEventListener('wheel', function (e) {
      e.preventDefault();
      var p = local(e);
      var dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
      zoomAt(Math.exp(-dy * 0.002), p[0], p[1]);
    }, { passive: false });

    view.addEventListener('pointerdown', function (e) {
      if (e.button && e.button !== 0) return;
      e.preventDefault();
      view.focus({ preventScroll: true });
      if (view.setPointerCapture) view.setPointerCapture(e.pointerId);
      pointers[e.pointerId] = local(e);
      if (ids().length === 2) {
        var sp = spread();
        pinch = { d: sp.d, m: sp.m, s: s, x: x, y: y };
      }
      view.classList.add('dragging');
    });
    view.addEventListener('pointermove', function (e) {
      var old = pointers[e.pointerId];
      if (!old) return;
      var p = local(e);
      pointers[e.pointerId] = p;
      if (pinch && ids().length >= 2) {
        // The picture's point under the fingers' first middle follows
        // their middle, scaled by how far they spread.
        var sp = spread(), ns = clamp(pinch.s * sp.d / pinch.d);
        x = sp.m[0] - (pinch.m[0] - pinch.x) * ns / pinch.s;
        y = sp.m[1] - (pinch.m[1] - pinch.y) * ns / pinch.s;
        s = ns;
        apply();
      } else if (ids().length === 1) {
        x += p[0] - old[0];
        y += p[1] - old[1];
        apply();
      }
    });
    function up(e) {
      delete pointers[e.pointerId];
      if (ids().length < 2) pinch = null;
      if (!ids().length) view.classList.remove('dragging');
    }
    view.addEventListener('pointerup', up);
    view.addEventListener('pointercancel', up);

    document.addEventListener('keydown', function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.target && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
      var c = middle();
      switch (e.key) {
        case '+': case '=': zoomAt(STEP, c[0], c[1]); break;
        case '-': case '_': zoomAt(1 / STEP, c[0], c[1]); break;
        case '0': fit(); break;
        case 'ArrowLeft': x += PAN; apply(); break;
        case 'ArrowRight': x -= PAN; apply(); break;
        case 'ArrowUp': y += PAN; apply(); break;
        case 'ArrowDown': y -= PAN; apply(); break;
        default: return;
      }
      e.preventDefault();
    });

    var tools = document.getElementById('zoom-tools');
    if (tools) {
      tools.hidden = false;
      tools.addEventListener('click', function (e) {
        var b = e.target.closest('[data-zoom]');
        if (!b) return;
        var c = middle(), what = b.getAttribute('data-zoom');
        if (what === 'in') zoomAt(STEP, c[0], c[1]);
        else if (what === 'out') zoomAt(1 / STEP, c[0], c[1]);
        else fit();
      });
    }
    if (img.complete && img.naturalWidth) open();
    else img.addEventListener('load', open);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var view = document.getElementById('zoom-view');
    var img = document.getElementById('zoom-img');
    if (view && img) zoomView(view, img);
  });
})();
