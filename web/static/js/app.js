// casebench: a little JavaScript on top of pages that work without it.
(function () {
  'use strict';

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function hhmm(d) { return pad(d.getHours()) + ':' + pad(d.getMinutes()); }

  // Autosave. The save bar always says where the design stands: "Saving…",
  // "Saved at HH:MM", or in red "Not saved: " and why. Leaving with changes
  // the server has not stored asks first.
  function autosave(form) {
    var state = document.getElementById('save-state');
    var version = form.querySelector('input[name=version]');
    var timer = null, inflight = false, pending = false;
    var stopped = form.hasAttribute('data-conflict'), leaving = false;
    var afterSave = null; // a submit waiting for the autosave on its way
    // Changes made, and the count of them the server has stored.
    var changes = form.hasAttribute('data-unsaved') ? 1 : 0, stored = 0;

    function show(msg, cls) {
      if (!state) return;
      state.textContent = msg;
      state.title = msg;
      state.className = 'save-state ' + (cls || '');
    }
    function notSaved(msg) {
      msg = msg || 'the server did not answer.';
      show(/^Not saved/.test(msg) ? msg : 'Not saved: ' + msg, 'error');
    }
    function alertTop(msg) {
      var el = document.getElementById('form-message');
      if (!el) {
        el = document.createElement('p');
        el.id = 'form-message';
        el.setAttribute('role', 'alert');
        var editor = document.querySelector('.editor');
        editor.parentNode.insertBefore(el, editor);
      }
      el.className = 'error';
      el.textContent = msg;
    }
    // The server writes the time of the last save in UTC; show it in local time.
    var t = state && state.querySelector('time[datetime]');
    if (t) show('Saved at ' + hhmm(new Date(t.getAttribute('datetime'))), 'ok');
    function token() {
      var i = form.querySelector('input[name=_csrf]');
      return i ? i.value : '';
    }
    function clearErrors() {
      form.querySelectorAll('.field-error.js').forEach(function (e) { e.remove(); });
    }
    function markErrors(fields) {
      clearErrors();
      Object.keys(fields || {}).forEach(function (key) {
        var parts = key.split('.');
        var el = document.getElementById('field-' + parts.slice(0, 2).join('.')) ||
                 (key === 'title' ? form.querySelector('.title-field') : null);
        if (!el) return;
        var span = document.createElement('span');
        span.className = 'field-error js';
        span.setAttribute('role', 'alert');
        span.textContent = (parts.length > 2 ? 'row ' + (Number(parts[2]) + 1) + ', ' + parts[3] + ': ' : '') + fields[key];
        el.appendChild(span);
      });
    }
    function schedule(ms) {
      clearTimeout(timer);
      timer = setTimeout(save, ms || 1200);
    }
    function save(final) {
      timer = null;
      if (stopped) return;
      if (inflight) { pending = true; return; }
      inflight = true;
      pending = false;
      var upto = changes;
      show('Saving…', 'saving');
      var body = new URLSearchParams(new FormData(form));
      fetch(form.getAttribute('action'), {
        method: 'POST', body: body, credentials: 'same-origin', keepalive: final === true,
        headers: { 'Accept': 'application/json', 'X-CSRF-Token': token() }
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; });
      }).then(function (res) {
        inflight = false;
        if (afterSave) {
          // A submit waits for this answer: it goes now, with the version
          // this save returned.
          if (res.status === 200) {
            stored = upto;
            document.querySelectorAll('input[name=version]').forEach(function (v) { v.value = res.body.version; });
          }
          var go = afterSave;
          afterSave = null;
          go();
          return;
        }
        if (res.status === 200) {
          stored = upto;
          document.querySelectorAll('input[name=version]').forEach(function (v) { v.value = res.body.version; });
          clearErrors();
          var at = hhmm(new Date(res.body.saved_at));
          if (res.body.pipeline_error) {
            notSaved('Not saved: the pipeline has problems, shown beside it; the rest of the design is saved at ' + at + '.');
          } else {
            show('Saved at ' + at, 'ok');
          }
          if (pending || changes !== stored) schedule(200);
        } else if (res.status === 409) {
          stopped = true;
          notSaved(res.body.error || 'this design changed in another tab or window. Reload the page.');
          alertTop(state.textContent);
        } else if (res.status === 422) {
          markErrors(res.body.fields);
          notSaved(res.body.error || 'some fields need attention.');
        } else if (res.status === 401 || res.status === 403) {
          stopped = true;
          notSaved('your session has ended or expired. Copy your text, log in again, and reload.');
          alertTop(state.textContent);
        } else {
          notSaved('the server answered ' + res.status + (res.body.error ? ' (' + res.body.error + ')' : '') + '. Retrying…');
          schedule(5000);
        }
      }).catch(function () {
        inflight = false;
        if (afterSave) { var go = afterSave; afterSave = null; go(); return; }
        notSaved('you seem to be offline. Retrying…');
        schedule(5000);
      });
    }
    function changed() {
      changes++;
      if (stopped) return;
      show('Saving…', 'saving');
      schedule();
    }
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    form.addEventListener('submit', function (ev) {
      clearTimeout(timer);
      if (inflight) {
        // An autosave is on its way: submit once it has answered, with
        // the version it returns, or the server would refuse this one as
        // stale. The same button submits, so the same action is taken.
        ev.preventDefault();
        var by = ev.submitter;
        afterSave = function () {
          clearTimeout(timer);
          if (by && by.form === form) {
            form.requestSubmit(by);
          } else {
            // form.submit() fires no submit event: stop autosaving here.
            stopped = true;
            leaving = true;
            form.submit();
          }
        };
        return;
      }
      stopped = true;
      leaving = true;
    });
    window.addEventListener('beforeunload', function (e) {
      if (leaving || changes === stored) return;
      save(true);
      e.preventDefault();
      e.returnValue = '';
    });
  }

  // Table rows: delete, and move up or down. Without JavaScript these are
  // submit buttons that save the form with the change; here the change is
  // made in the page, and autosaved.
  function renumber(body) {
    Array.prototype.forEach.call(body.rows, function (row, i) {
      row.setAttribute('data-row', i);
      row.querySelectorAll('input, select, textarea').forEach(function (el) {
        el.name = el.name.replace(/\.\d+\.([a-z_]+)$/, '.' + i + '.$1');
      });
      row.querySelectorAll('button.row-op').forEach(function (b) {
        b.value = b.value.replace(/\.\d+$/, '.' + i);
        b.setAttribute('aria-label', b.getAttribute('title') + ' (row ' + (i + 1) + ')');
      });
    });
  }
  function rowOps() {
    document.addEventListener('click', function (e) {
      var btn = e.target.closest ? e.target.closest('button.row-op') : null;
      if (!btn) return;
      e.preventDefault();
      var row = btn.closest('tr'), body = row.parentNode, op = btn.getAttribute('data-op');
      var focus = null;
      if (op === 'del') {
        var next = row.nextElementSibling || row.previousElementSibling;
        if (body.rows.length > 1) {
          row.remove();
        } else {
          row.querySelectorAll('input:not([type=hidden]), select').forEach(function (el) { el.value = ''; });
          next = row;
        }
        focus = next && next.querySelector('button.row-op[data-op="del"]');
      } else if (op === 'up' && row.previousElementSibling) {
        body.insertBefore(row, row.previousElementSibling);
        focus = btn;
      } else if (op === 'down' && row.nextElementSibling) {
        body.insertBefore(row.nextElementSibling, row);
        focus = btn;
      }
      renumber(body);
      if (focus) focus.focus();
      body.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }

  // The brief beside the editor: open on a wide screen, remembered when
  // closed; a drawer on a phone. The clarifying questions the user opened,
  // here or on the case page, stay open.
  function store(key, value) {
    try {
      if (value === undefined) return window.localStorage.getItem(key);
      window.localStorage.setItem(key, value);
    } catch (e) { return null; }
    return null;
  }
  function askedQuestions(slug, list) {
    var key = 'casebench.asked.' + slug;
    var asked = {};
    try { JSON.parse(store(key) || '[]').forEach(function (i) { asked[i] = true; }); } catch (e) { asked = {}; }
    Array.prototype.forEach.call(list, function (d, i) {
      if (asked[i]) d.open = true;
      d.addEventListener('toggle', function () {
        if (!d.open) return;
        asked[i] = true;
        store(key, JSON.stringify(Object.keys(asked).map(Number)));
      });
    });
  }
  function brief(el) {
    var phone = window.matchMedia('(max-width: 720px)');
    var narrow = window.matchMedia('(max-width: 1100px)');
    if (narrow.matches || store('casebench.brief') === 'closed') el.open = false;
    // Remember what the user chose on a wide screen, when they choose it
    // (a click on the summary comes before the toggle it causes); the
    // script's own closing on a narrow screen is not a choice.
    el.querySelector('summary').addEventListener('click', function () {
      if (!narrow.matches) store('casebench.brief', el.open ? 'closed' : 'open');
    });
    var btn = document.getElementById('brief-open');
    if (btn) {
      btn.addEventListener('click', function (e) {
        e.preventDefault();
        el.open = true;
        if (!phone.matches) el.scrollIntoView({ block: 'start' });
        el.querySelector('summary').focus();
      });
    }
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && phone.matches && el.open) el.open = false;
    });
    askedQuestions(el.getAttribute('data-case'), el.querySelectorAll('details.qa[data-q]'));
  }

  function addRows() {
    document.querySelectorAll('[data-add-row]').forEach(function (btn) {
      var table = document.querySelector('table[data-list="' + btn.getAttribute('data-add-row') + '"]');
      if (!table) return;
      btn.hidden = false;
      btn.addEventListener('click', function () {
        var rows = table.tBodies[0].rows;
        var last = rows[rows.length - 1];
        var next = Number(last.getAttribute('data-row')) + 1;
        var row = last.cloneNode(true);
        row.setAttribute('data-row', next);
        row.querySelectorAll('input, select').forEach(function (el) {
          el.name = el.name.replace(/\.\d+\.([a-z_]+)$/, '.' + next + '.$1');
          el.value = '';
        });
        row.querySelectorAll('.field-error').forEach(function (e) { e.remove(); });
        table.tBodies[0].appendChild(row);
        renumber(table.tBodies[0]);
        var first = row.querySelector('input, select');
        if (first) first.focus();
      });
    });
  }

  // The pipeline editor: table and DOT text kept in step through the
  // server's parser, and a live preview that keeps the last good diagram.
  function pipelineEditor(fs) {
    var form = fs.closest('form');
    var problems = document.getElementById('pipe-problems');
    var img = document.getElementById('pipe-img');
    var empty = fs.querySelector('.pipe-empty');
    var dotArea = document.getElementById('p-dot');
    var nodesBody = fs.querySelector('table[data-list="p.nodes"] tbody');
    var edgesBody = fs.querySelector('table[data-list="p.edges"] tbody');
    var datalist = document.getElementById('pipe-node-ids');
    var notes = document.getElementById('pipe-notes');
    var lastURL = null, timer = null, seq = 0;
    var small = document.getElementById('pipe-small');

    // sizeNote points to the full-size view while the preview draws node
    // labels (11 pt, 14.7 px at the picture's own size) under 9 px.
    function sizeNote() {
      if (small) small.hidden = img.hidden || !img.naturalWidth || 14.67 * img.clientWidth / img.naturalWidth >= 9;
    }
    img.addEventListener('load', sizeNote);
    window.addEventListener('resize', sizeNote);
    if (img.complete) sizeNote();

    function mode() {
      var r = fs.querySelector('input[name="p.mode"]:checked');
      return r ? r.value : 'table';
    }
    function showPane(m) {
      fs.querySelectorAll('[data-pipe-pane]').forEach(function (p) {
        p.hidden = p.getAttribute('data-pipe-pane') !== m;
      });
    }
    function cell(row, col) {
      var el = row.querySelector('[name$=".' + col + '"]');
      return el ? el.value.trim() : '';
    }
    function tableGraph() {
      var g = { nodes: [], edges: [] };
      Array.prototype.forEach.call(nodesBody.rows, function (r) {
        var id = cell(r, 'id'), label = cell(r, 'label');
        if (!id && !label) return;
        g.nodes.push({ id: id, label: fromTable(label), kind: cell(r, 'kind') || 'other', stage: cell(r, 'stage'), attrs: cell(r, 'attrs') });
      });
      Array.prototype.forEach.call(edgesBody.rows, function (r) {
        var from = cell(r, 'from'), to = cell(r, 'to');
        if (!from && !to) return;
        g.edges.push({ from: from, to: to, label: fromTable(cell(r, 'label')), attrs: cell(r, 'attrs') });
      });
      return g;
    }
    // A one-line table cell shows a label's line breaks as \n.
    function fromTable(s) { return s.replace(/\\n/g, '\n'); }
    function toTable(s) { return s.replace(/\n/g, '\\n'); }
    function place(p) {
      return p.line ? 'line ' + p.line + ':' + (p.column || 1) + ': ' : '';
    }
    function showNotes(list) {
      if (!notes) return;
      notes.innerHTML = '';
      (list || []).forEach(function (n) {
        var li = document.createElement('li');
        li.textContent = place(n) + n.message;
        notes.appendChild(li);
      });
      notes.hidden = !(list && list.length);
    }
    // Each problem of a table row goes beside the row, as the server does.
    function markRows(list) {
      fs.querySelectorAll('.field-error.pipe-row').forEach(function (e) { e.remove(); });
      (list || []).forEach(function (p) {
        var m = /^(node|edge) (\d+)$/.exec(p.where || '');
        if (!m || p.line) return;
        var body = m[1] === 'node' ? nodesBody : edgesBody, n = Number(m[2]), seen = 0;
        Array.prototype.some.call(body.rows, function (r) {
          var filled = m[1] === 'node' ? (cell(r, 'id') || cell(r, 'label')) : (cell(r, 'from') || cell(r, 'to'));
          if (!filled || ++seen !== n) return false;
          var span = document.createElement('span');
          span.className = 'field-error pipe-row';
          span.textContent = p.message + (p.fix ? '; for example: ' + p.fix : '');
          r.cells[0].appendChild(span);
          return true;
        });
      });
    }
    function showProblems(list) {
      markRows(list);
      var lastGood = document.getElementById('pipe-lastgood');
      if (lastGood) lastGood.hidden = !(list && list.length) || img.hidden;
      if (!list || !list.length) {
        problems.hidden = true;
        problems.textContent = '';
        return;
      }
      problems.hidden = false;
      problems.textContent = list.map(function (p) {
        return (place(p) || (p.where ? p.where + ': ' : '')) + p.message + (p.fix ? '; for example: ' + p.fix : '');
      }).join('\n');
    }
    function check(body) {
      return fetch('/api/v1/pipeline/check', {
        method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' }
      }).then(function (r) { return r.json(); });
    }
    function current() {
      return mode() === 'dot' ? { dot: dotArea.value } : { graph: tableGraph() };
    }
    function updateLegend(g) {
      var kinds = {};
      (g.nodes || []).forEach(function (n) { kinds[n.kind] = true; });
      document.querySelectorAll('#pipe-legend li[data-kind]').forEach(function (li) {
        li.hidden = !kinds[li.getAttribute('data-kind')];
      });
      datalist.innerHTML = '';
      (g.nodes || []).forEach(function (n) {
        var o = document.createElement('option');
        o.value = n.id;
        datalist.appendChild(o);
      });
    }
    function preview() {
      var my = ++seq;
      check(current()).then(function (res) {
        if (my !== seq) return;
        if (res.problems && res.problems.length) {
          showProblems(res.problems); // the last good diagram stays
          return;
        }
        showProblems([]);
        showNotes(res.notes);
        updateLegend(res.graph);
        if (!res.graph.nodes || !res.graph.nodes.length) {
          img.hidden = true;
          empty.hidden = false;
          sizeNote();
          return;
        }
        return fetch('/api/v1/render?format=svg', {
          method: 'POST', body: res.canonical, credentials: 'same-origin', headers: { 'Content-Type': 'text/vnd.graphviz' }
        }).then(function (r) {
          if (!r.ok) {
            return r.json().then(function (j) { showProblems([{ where: 'diagram', message: j.error }]); });
          }
          return r.blob().then(function (b) {
            if (my !== seq) return;
            if (lastURL) URL.revokeObjectURL(lastURL);
            lastURL = URL.createObjectURL(b);
            img.src = lastURL;
            img.hidden = false;
            empty.hidden = true;
            img.setAttribute('data-rendered', String(my));
          });
        });
      }).catch(function () {
        showProblems([{ where: 'preview', message: 'The preview is unavailable right now; your edits are kept.' }]);
      });
    }
    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(preview, 400);
    }
    function fillRows(body, items, cols, blanks) {
      var tmpl = body.rows[0].cloneNode(true);
      while (body.rows.length) body.deleteRow(0);
      var all = items.concat(new Array(blanks).fill(null));
      all.forEach(function (item, i) {
        var row = tmpl.cloneNode(true);
        row.setAttribute('data-row', i);
        row.querySelectorAll('input, select').forEach(function (el) {
          el.name = el.name.replace(/\.\d+\.([a-z_]+)$/, '.' + i + '.$1');
          var col = el.name.split('.').pop();
          var v = item && item[col] ? item[col] : '';
          if (item && col === 'label' && !v && item.name) v = item.name;
          el.value = col === 'label' ? toTable(v) : v;
        });
        row.querySelectorAll('.field-error').forEach(function (e) { e.remove(); });
        body.appendChild(row);
      });
    }
    function fillTable(g) {
      fillRows(nodesBody, g.nodes || [], ['id', 'label', 'kind', 'stage', 'attrs'], 3);
      fillRows(edgesBody, g.edges || [], ['from', 'to', 'label', 'attrs'], 3);
      updateLegend(g);
    }

    fs.querySelectorAll('input[name="p.mode"]').forEach(function (radio) {
      radio.addEventListener('change', function (e) {
        e.stopPropagation();
        var to = radio.value, from = to === 'dot' ? 'table' : 'dot';
        check(from === 'dot' ? { dot: dotArea.value } : { graph: tableGraph() }).then(function (res) {
          if (res.problems && res.problems.length) {
            showProblems(res.problems);
            fs.querySelector('input[name="p.mode"][value="' + from + '"]').checked = true;
            return;
          }
          showProblems([]);
          if (to === 'dot') dotArea.value = res.dot; else fillTable(res.graph);
          showNotes(to === 'dot' ? res.notes : []);
          showPane(to);
          form.dispatchEvent(new Event('change', { bubbles: true }));
        });
      });
    });
    fs.addEventListener('input', schedule);
    fs.addEventListener('change', function (e) {
      if (e.target.name !== 'p.mode') schedule();
    });
    showPane(mode());
  }

  // The interview clock counts down to the server's deadline, so a reload
  // shows the same time left.
  function clock(el) {
    var deadline = Date.parse(el.getAttribute('data-deadline'));
    var offset = Date.parse(el.getAttribute('data-now')) - Date.now();
    var out = document.getElementById('clock-time');
    function tick() {
      var left = Math.round((deadline - (Date.now() + offset)) / 1000);
      if (left <= 0) {
        out.textContent = 'Time is up: submit when ready';
        el.classList.add('over');
        return;
      }
      var m = Math.floor(left / 60), s = left % 60;
      out.textContent = m + ':' + (s < 10 ? '0' : '') + s + ' left';
      if (left <= 300) el.classList.add('soon');
      setTimeout(tick, 1000 - (Date.now() % 1000));
    }
    tick();
  }

  // Time per section: the section the user works in gets the seconds, while
  // the page is visible and the user was active in the last minute.
  function timing(form) {
    var inputs = {};
    form.querySelectorAll('input[data-timing]').forEach(function (i) { inputs[i.getAttribute('data-timing')] = i; });
    if (!Object.keys(inputs).length) return;
    var active = null, last = 0;
    form.addEventListener('focusin', function (e) {
      var sec = e.target.closest('[data-section]');
      if (sec) { active = sec.getAttribute('data-section'); last = Date.now(); }
    });
    form.addEventListener('input', function () { last = Date.now(); });
    setInterval(function () {
      if (!active || !inputs[active] || document.visibilityState !== 'visible' || Date.now() - last > 60000) return;
      inputs[active].value = String(Number(inputs[active].value || 0) + 1);
    }, 1000);
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.documentElement.classList.add('js');
    var clockEl = document.getElementById('clock');
    if (clockEl) clock(clockEl);
    var form = document.querySelector('form[data-autosave]');
    if (form) { autosave(form); timing(form); }
    addRows();
    rowOps();
    var briefEl = document.getElementById('brief');
    if (briefEl) brief(briefEl);
    var caseQuestions = document.querySelectorAll('article.case details.qa');
    var caseSlug = /^\/cases\/([^/]+)$/.exec(location.pathname);
    if (caseQuestions.length && caseSlug) askedQuestions(caseSlug[1], caseQuestions);
    document.querySelectorAll('.js-print').forEach(function (a) {
      a.hidden = false;
      a.addEventListener('click', function (e) { e.preventDefault(); window.print(); });
    });
    var fs = document.querySelector('fieldset[data-pipeline]');
    if (fs) pipelineEditor(fs);
  });
})();
