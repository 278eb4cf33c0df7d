/* Teredo: server, relay and client, each with its state, counters and peers. */
(function () {
  'use strict';
  var el = ntm.el;
  ['server', 'relay', 'client'].forEach(function (k) { ntm.root.appendChild(el('div', { id: 'ntm-teredo-' + k })); });

  function counts(title, m) {
    var keys = Object.keys(m || {});
    return keys.length ? el('p', { text: title + ': ' + keys.map(function (k) { return k.replace(/_/g, ' ') + ' ' + m[k]; }).join(', ') }) : null;
  }

  function role(id, title, r, extra) {
    if (!r) {
      ntm.replace(id, ntm.section(title, [el('p', { 'class': 'ntm-state-not-configured', text: 'not configured on this gateway' })]));
      return;
    }
    ntm.replace(id, ntm.section(title, [
      el('p', null, [el('span', { 'class': r.serving ? 'ntm-state-serving' : 'ntm-state-not-serving', text: r.serving ? 'serving' : 'not serving' }),
        ' since ' + ntm.when(r.since) + ' \u2013 ' + r.detail]),
      counts('Packets', r.packets), counts('Dropped', r.drops)].concat(extra || [])));
  }

  ntm.poll(function (d) {
    role('ntm-teredo-server', 'Teredo server', d.server);
    role('ntm-teredo-relay', 'Teredo relay', d.relay, d.relay ? [el('h3', { text: 'Peers (' + d.relay.peerCount + ')' }), ntm.table([
      { title: 'Teredo address', value: function (p) { return p.address; } },
      { title: 'Mapping', value: function (p) { return p.mapping; } },
      { title: 'Idle', value: function (p) { return ntm.duration(p.idleSeconds); } },
      { title: 'Packets to / from', value: function (p) { return p.packetsToPeer + ' / ' + p.packetsFromPeer; } }
    ], d.relay.peers, 'ntm-teredo-relay-peers')] : []);
    var c = d.client;
    var q = c && c.qualification;
    role('ntm-teredo-client', 'Teredo client', c, q ? [ntm.table([
      { title: 'Qualification', value: function () { return q.state; } },
      { title: 'Server', value: function () { return q.server; } },
      { title: 'Teredo address', value: function () { return q.address; } },
      { title: 'Mapped', value: function () { return q.mapped; } },
      { title: 'NAT', value: function () { return q.nat + (q.mappingVariesByDestination === null ? ' (whether the mapping varies by destination is not known)' : q.mappingVariesByDestination ? ' (mapping varies by destination)' : ' (same mapping for every destination)'); } },
      { title: 'Hairpinning', value: function () { return q.natHairpins === null ? 'not known (or no NAT)' : q.natHairpins ? 'the NAT hairpins' : 'the NAT does not hairpin'; } },
      { title: 'Peers behind the same NAT', value: function () { return q.localAddressExchange ? q.peersByLocalAddress + ' reached by their local address' : 'local-address exchange off'; } },
      { title: 'Why', value: function () { return q.why; } }
    ], [{}], 'ntm-teredo-qualification'), el('h3', { text: 'Peers' }), ntm.table([
      { title: 'Address', value: function (p) { return p.address + (p.teredo ? ' (Teredo)' : ' (native)'); } },
      { title: 'Via', value: function (p) { return p.via || 'bubble exchange pending (' + p.queued + ' queued)'; } },
      { title: 'Last heard', value: function (p) { return ntm.when(p.lastHeard); } }
    ], c.peers, 'ntm-teredo-client-peers')] : []);
  });
})();
