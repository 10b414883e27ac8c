// casebench: a little JavaScript on top of pages that work without it.
(function () {
  'use strict';

  function autosave(form) {
    var state = document.getElementById('save-state');
    var version = form.querySelector('input[name=version]');
    var timer = null, inflight = false, pending = false, stopped = false;
    var afterSave = null; // a submit waiting for the autosave on its way

    function show(msg, cls) {
      if (!state) return;
      state.textContent = msg;
      state.className = 'save-state ' + (cls || '');
    }
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
    function save() {
      timer = null;
      if (stopped) return;
      if (inflight) { pending = true; return; }
      inflight = true;
      pending = false;
      show('Saving…', 'saving');
      var body = new URLSearchParams(new FormData(form));
      fetch(form.getAttribute('action'), {
        method: 'POST', body: body, credentials: 'same-origin',
        headers: { 'Accept': 'application/json', 'X-CSRF-Token': token() }
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; });
      }).then(function (res) {
        inflight = false;
        if (afterSave) {
          if (res.status === 200) {
            document.querySelectorAll('input[name=version]').forEach(function (v) { v.value = res.body.version; });
          }
          var go = afterSave;
          afterSave = null;
          go();
          return;
        }
        if (res.status === 200) {
          document.querySelectorAll('input[name=version]').forEach(function (v) { v.value = res.body.version; });
          clearErrors();
          if (res.body.pipeline_error) {
            show('Saved at ' + new Date(res.body.saved_at).toLocaleTimeString() + ', except the pipeline: see its problems.', 'error');
          } else {
            show('Saved at ' + new Date(res.body.saved_at).toLocaleTimeString(), 'ok');
          }
          if (pending) schedule(200);
        } else if (res.status === 409) {
          stopped = true;
          show(res.body.error || 'This design changed elsewhere. Reload the page.', 'conflict');
        } else if (res.status === 422) {
          markErrors(res.body.fields);
          show('Not saved: ' + (res.body.error || 'some fields need attention.'), 'error');
        } else if (res.status === 401 || res.status === 403) {
          stopped = true;
          show('Not saved: your session has ended or expired. Copy your text, log in again, and reload.', 'error');
        } else {
          show('Not saved (' + res.status + '): ' + (res.body.error || 'the server did not answer') + ' Retrying…', 'error');
          schedule(5000);
        }
      }).catch(function () {
        inflight = false;
        if (afterSave) { var go = afterSave; afterSave = null; go(); return; }
        show('Offline: not saved yet. Retrying…', 'error');
        schedule(5000);
      });
    }
    function changed() {
      if (stopped) return;
      show('Unsaved changes', 'pending');
      schedule();
    }
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    form.addEventListener('submit', function (ev) {
      clearTimeout(timer);
      if (inflight) {
        // An autosave is on its way: submit once it has answered, with
        // the version it returns, or the server would refuse this one as
        // stale.
        ev.preventDefault();
        var by = ev.submitter;
        afterSave = function () { stopped = true; by ? form.requestSubmit(by) : form.submit(); };
        return;
      }
      stopped = true;
    });
    window.addEventListener('beforeunload', function (e) {
      if ((timer || inflight) && !stopped) { save(); e.preventDefault(); e.returnValue = ''; }
    });
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
    function showProblems(list) {
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
    document.querySelectorAll('.js-print').forEach(function (a) {
      a.hidden = false;
      a.addEventListener('click', function (e) { e.preventDefault(); window.print(); });
    });
    var fs = document.querySelector('fieldset[data-pipeline]');
    if (fs) pipelineEditor(fs);
  });
})();
