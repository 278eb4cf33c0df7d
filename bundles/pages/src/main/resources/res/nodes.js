/* Nodes and tunnels: the DC's registrations and the RS-N's live tunnels, with rates between two reads and disconnect. */
(function () {
  'use strict';
  var el = ntm.el;
  var search = '';
  var before = {};
  var box = el('input', { id: 'ntm-nodes-search', placeholder: 'filter: FQDN, address', on: { input: function (e) { search = e.target.value; poller.now(); } } });
  var result = el('div', { 'class': 'ntm-result', id: 'ntm-nodes-result' });
  ntm.root.appendChild(el('div', null, [box, result]));
  ntm.root.appendChild(el('div', { id: 'ntm-nodes-section' }));
  ntm.root.appendChild(el('div', { id: 'ntm-tunnels-section' }));

  function disconnect(t) {
    if (!window.confirm('Disconnect tunnel ' + t.path + ' of ' + t.node + '?')) { return; }
    ntm.act('disconnect', { path: t.path }).then(function (j) { result.textContent = j.done; result.className = 'ntm-result ntm-good'; poller.now(); })
      .catch(function (e) { result.textContent = e.error || String(e); result.className = 'ntm-result ntm-bad'; });
  }

  var poller = ntm.poll(function (d) {
    var now = Date.parse(d.now);
    ntm.replace('ntm-nodes-section', ntm.section('Registered nodes (' + d.nodesMatching + ')' + (d.dcRunning ? '' : ': no Direction Coordinator runs here'), [ntm.table([
      { title: 'FQDN', value: function (n) { return n.fqdn; } },
      { title: 'Virtual addresses', value: function (n) { return ntm.text(n.virtualV4) + ', ' + ntm.text(n.virtualV6); } },
      { title: 'Real (seen)', value: function (n) { return n.realSeen; } },
      { title: 'Real (reported)', value: function (n) { return n.realReported; } },
      { title: 'NAT', value: function (n) { return n.nat; } },
      { title: 'Path', value: function (n) { return n.path; } },
      { title: 'Last seen', value: function (n) { return ntm.duration(n.lastSeenSecondsAgo) + ' ago'; } }
    ], d.nodes, 'ntm-nodes')]));
    var rates = {};
    d.tunnels.forEach(function (t) {
      var b = before[t.path];
      rates[t.path] = b && now > b.t ? ((t.bytesToReal + t.bytesToNode) - b.bytes) / ((now - b.t) / 1000) : null;
    });
    before = {};
    d.tunnels.forEach(function (t) { before[t.path] = { t: now, bytes: t.bytesToReal + t.bytesToNode }; });
    ntm.replace('ntm-tunnels-section', ntm.section('Live tunnels (' + d.tunnelCount + ')' + (d.rsnRunning ? '' : ': no RS-N runs here'), [ntm.table([
      { title: 'Path', value: function (t) { return t.path; } },
      { title: 'Node', value: function (t) { return t.node; } },
      { title: 'Peer', value: function (t) { return (t.destination ? t.destination + ' ' : '') + t.real + ' (as ' + t.peer + ')'; } },
      { title: 'Node endpoint', value: function (t) { return t.endpoint; } },
      { title: 'To peer', value: function (t) { return t.packetsToReal + ' packets, ' + ntm.bytes(t.bytesToReal); }, cls: 'ntm-to-real' },
      { title: 'To node', value: function (t) { return t.packetsToNode + ' packets, ' + ntm.bytes(t.bytesToNode); }, cls: 'ntm-to-node' },
      { title: 'Rate', value: function (t) { return rates[t.path] === null ? '\u2013' : ntm.bytes(rates[t.path]) + '/s'; } },
      { title: 'Age', value: function (t) { return ntm.duration(t.ageSeconds); } },
      { title: '', value: function (t) { return el('button', { type: 'button', 'class': 'ntm-disconnect', text: 'Disconnect', on: { click: function () { disconnect(t); } } }); } }
    ], d.tunnels, 'ntm-tunnels')]));
  }, function () { return { q: search }; });
})();
