/* Overview: roles, health, table, gateway, and the RS-N's and node's rates over the last minutes (kept in the page). */
(function () {
  'use strict';
  var el = ntm.el;
  var history = { rsn: [], node: [] };
  var last = {};
  var KEEP = 150; /* 5 minutes of 2 s samples */

  function sample(name, t, now) {
    if (!t) { return; }
    var prev = last[name];
    last[name] = { t: now, packets: t.packets, bytes: t.bytes };
    if (prev && now > prev.t) {
      var s = (now - prev.t) / 1000;
      history[name].push({ pps: Math.max(0, (t.packets - prev.packets) / s), bps: Math.max(0, (t.bytes - prev.bytes) / s) });
      if (history[name].length > KEEP) { history[name].shift(); }
    }
  }

  function graph(title, points, key, unit) {
    var c = el('canvas', { width: 300, height: 80 });
    var g = c.getContext('2d');
    var max = points.reduce(function (m, p) { return Math.max(m, p[key]); }, 1);
    g.strokeStyle = '#3a7bd5';
    g.beginPath();
    points.forEach(function (p, i) {
      var x = 300 - (points.length - 1 - i) * 2;
      var y = 78 - p[key] / max * 74;
      if (i === 0) { g.moveTo(x, y); } else { g.lineTo(x, y); }
    });
    g.stroke();
    var now = points.length ? points[points.length - 1][key] : 0;
    var label = unit === 'bytes' ? ntm.bytes(now) + '/s' : now.toFixed(0) + ' packets/s';
    return el('div', { 'class': 'ntm-graph' }, [el('div', { text: title + ': ' + label + ' (peak ' + (unit === 'bytes' ? ntm.bytes(max) + '/s' : max.toFixed(0) + '/s') + ')' }), c]);
  }

  ntm.poll(function (d) {
    var now = Date.parse(d.now);
    sample('rsn', d.traffic.rsn, now);
    sample('node', d.traffic.node, now);
    var health = el('div', { id: 'ntm-health' }, [
      el('span', { 'class': 'ntm-health ' + (d.health === 'healthy' ? 'ntm-good' : 'ntm-bad'), text: d.health }),
      d.problems.length ? el('ul', null, d.problems.map(function (p) { return el('li', { text: p }); })) : el('span', { text: ' \u2013 nothing is wrong' })]);
    ntm.replace('ntm-health-section', ntm.section('Health', [health]));
    ntm.replace('ntm-roles-section', ntm.section('Roles', [ntm.table([
      { title: 'Role', value: function (r) { return r.title; } },
      { title: 'State', value: function (r) { return el('span', { 'class': 'ntm-state-' + r.state.replace(/ /g, '-'), text: r.state }); } },
      { title: 'Why / what', value: function (r) { return r.detail + (r.refusal ? ' \u2013 last write refused: ' + r.refusal : ''); } },
      { title: 'Since', value: function (r) { return ntm.when(r.since); } },
      { title: 'Configuration', value: function (r) { return r.pid; } },
      { title: 'Bundle', value: function (r) { return r.bundle + ' ' + ntm.text(r.version); } }
    ], d.roles, 'ntm-roles')]));
    var t = d.table;
    var m = d.memory;
    ntm.replace('ntm-gateway-section', ntm.section('Gateway', [ntm.table([
      { title: 'Version', value: function () { return d.version; } },
      { title: 'Uptime', value: function () { return ntm.duration(d.uptimeSeconds); } },
      { title: 'Memory (used / committed / max)', value: function () { return ntm.bytes(m.usedBytes) + ' / ' + ntm.bytes(m.committedBytes) + ' / ' + ntm.bytes(m.maxBytes); } },
      { title: 'Translation table', value: function () { return t ? t.size + ' of ' + t.capacity + ' entries' : 'not running'; } }
    ], [{}], 'ntm-gateway')]));
    ntm.replace('ntm-traffic-section', ntm.section('Traffic (since this page was opened)', [el('div', { 'class': 'ntm-graphs' }, [
      d.traffic.rsn ? graph('RS-N', history.rsn, 'pps', 'packets') : null,
      d.traffic.rsn ? graph('RS-N', history.rsn, 'bps', 'bytes') : null,
      d.traffic.node ? graph('Node', history.node, 'pps', 'packets') : null,
      d.traffic.node ? graph('Node', history.node, 'bps', 'bytes') : null,
      !d.traffic.rsn && !d.traffic.node ? el('span', { text: 'No RS-N and no node run on this gateway.' }) : null])]));
  });
})();
