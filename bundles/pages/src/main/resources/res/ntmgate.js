/* ntmgate console pages: shared helpers. Everything shown is set as text (textContent), never as markup, so a name a
   node chose (an FQDN, a DNS name) can never become HTML. */
var ntm = (function () {
  'use strict';
  var root = document.getElementById('ntm');
  /* absolute, from the origin: a page opened as http://user:password@host/... must not hand its credentials to fetch */
  var base = location.origin + root.getAttribute('data-base');
  var status = document.getElementById('ntm-status');

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') { e.textContent = attrs[k]; }
        else if (k === 'on') { Object.keys(attrs.on).forEach(function (ev) { e.addEventListener(ev, attrs.on[ev]); }); }
        else if (attrs[k] !== null && attrs[k] !== undefined) { e.setAttribute(k, attrs[k]); }
      });
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); }
    });
    return e;
  }

  function text(v) { return v === null || v === undefined ? '\u2013' : String(v); }

  function table(columns, rows, id) {
    var head = el('tr', null, columns.map(function (c) { return el('th', { text: c.title }); }));
    var body = el('tbody', null, rows.map(function (r) {
      return el('tr', null, columns.map(function (c) {
        var v = c.value(r);
        return el('td', { 'class': c.cls || null }, [v instanceof Node ? v : text(v)]);
      }));
    }));
    if (rows.length === 0) {
      body.appendChild(el('tr', null, [el('td', { colspan: columns.length, 'class': 'ntm-empty', text: 'none' })]));
    }
    return el('table', { 'class': 'ntm-table tablesorter nicetable', id: id || null }, [el('thead', null, [head]), body]);
  }

  function section(title, children, id) {
    return el('div', { 'class': 'ntm-section', id: id || null }, [el('h2', { text: title })].concat(children));
  }

  /** Replaces the element with id by a new one (keeps the rest of the page, and the forms, as they are). */
  function replace(id, node) {
    node.id = id;
    var old = document.getElementById(id);
    if (old) { old.parentNode.replaceChild(node, old); } else { root.appendChild(node); }
  }

  function get(query) {
    return fetch(base + '.json' + (query ? '?' + new URLSearchParams(query).toString() : ''), { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) { throw new Error(j.error || r.statusText); } return j; }); });
  }

  /** POSTs an action with fields; resolves with the answer, rejects with {error, field}. */
  function act(action, fields) {
    var body = new URLSearchParams(fields || {});
    body.set('action', action);
    return fetch(base, { method: 'POST', credentials: 'same-origin', body: body })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) { throw j; } return j; }); });
  }

  /** Reads every 2 s and hands the data to render; shows when the last read was and whether it failed. */
  function poll(render, query) {
    var timer = null;
    function once() {
      get(query ? query() : null).then(function (d) {
        status.textContent = 'Updated ' + new Date().toLocaleTimeString() + ' (every 2 s)';
        status.className = 'ntm-status';
        render(d);
      }).catch(function (e) {
        status.textContent = 'Could not read the gateway: ' + e.message;
        status.className = 'ntm-status ntm-bad';
      }).then(function () { timer = setTimeout(once, 2000); });
    }
    once();
    return { now: function () { clearTimeout(timer); once(); } };
  }

  /** A form whose fields each have an error slot next to them (class ntm-error, data-for the field). */
  function form(id, fields, submitText, onSubmit) {
    var f = el('form', { id: id, 'class': 'ntm-form' });
    fields.forEach(function (d) {
      var input;
      if (d.type === 'select') {
        input = el('select', { name: d.name, id: id + '-' + d.name }, d.options.map(function (o) { return el('option', { value: o, text: o }); }));
      } else if (d.type === 'textarea') {
        input = el('textarea', { name: d.name, id: id + '-' + d.name, rows: d.rows || 3, placeholder: d.placeholder || '' });
      } else {
        input = el('input', { name: d.name, id: id + '-' + d.name, type: d.type || 'text', placeholder: d.placeholder || '' });
      }
      if (d.value !== undefined && d.value !== null) { input.value = d.value; }
      if (d.type === 'hidden') { f.appendChild(input); return; }
      f.appendChild(el('div', { 'class': 'ntm-field' }, [
        el('label', { 'for': id + '-' + d.name, text: d.label }), input,
        el('span', { 'class': 'ntm-error', 'data-for': d.name, id: id + '-' + d.name + '-error' }),
        d.help ? el('span', { 'class': 'ntm-help', text: d.help }) : null]));
    });
    var result = el('div', { 'class': 'ntm-result', id: id + '-result' });
    f.appendChild(el('div', { 'class': 'ntm-field' }, [el('button', { type: 'submit', id: id + '-submit', text: submitText }), result]));
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearErrors(f);
      var values = {};
      new FormData(f).forEach(function (v, k) { values[k] = v; });
      onSubmit(values, f);
    });
    return f;
  }

  function clearErrors(f) {
    f.querySelectorAll('.ntm-error').forEach(function (s) { s.textContent = ''; });
    f.querySelectorAll('.ntm-invalid').forEach(function (s) { s.classList.remove('ntm-invalid'); });
    var r = f.querySelector('.ntm-result');
    if (r) { r.textContent = ''; r.className = 'ntm-result'; }
  }

  /** Shows a refusal next to its field (or under the form when it names none). */
  function showError(f, e) {
    var slot = e && e.field ? f.querySelector('.ntm-error[data-for="' + e.field + '"]') : null;
    var msg = e && e.error ? e.error : String(e);
    if (slot) {
      slot.textContent = msg;
      var input = f.querySelector('[name="' + e.field + '"]');
      if (input) { input.classList.add('ntm-invalid'); }
    } else {
      var r = f.querySelector('.ntm-result');
      r.textContent = msg;
      r.className = 'ntm-result ntm-bad';
    }
  }

  function showDone(f, j) {
    var r = f.querySelector('.ntm-result');
    r.textContent = j.done || 'done';
    r.className = 'ntm-result ntm-good';
  }

  function bytes(n) {
    if (n === null || n === undefined) { return '\u2013'; }
    var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i === 0 ? Math.round(n) : n.toFixed(1)) + ' ' + u[i];
  }

  function duration(s) {
    if (s === null || s === undefined) { return '\u2013'; }
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return d > 0 ? d + 'd ' + h + 'h' : h > 0 ? h + 'h ' + m + 'm' : m > 0 ? m + 'm ' + (s % 60) + 's' : s + 's';
  }

  function when(iso) { return iso ? new Date(iso).toLocaleString() : '\u2013'; }

  root.textContent = '';
  root.appendChild(status);
  return { el: el, table: table, section: section, replace: replace, get: get, act: act, poll: poll, form: form, showError: showError,
    showDone: showDone, clearErrors: clearErrors, bytes: bytes, duration: duration, when: when, text: text, root: root };
})();
