-- Packets of sub-packaged JT/T 808 messages (a blind-area 0x0704 upload split into numbered
-- packets) that are not whole yet. Each packet is answered "received" only once it is here: the
-- terminal may then delete it, so it must survive a lost connection, a reconnect to another
-- instance and a restart. Deleted when the message is whole and stored, or after
-- JT808_SUBPACKAGE_TTL_S.
CREATE TABLE jt808_subpackage (
  -- Terminal phone without its zero padding, as in jt808_terminal.
  phone        text        NOT NULL,
  msg_id       integer     NOT NULL,
  -- Serial of packet 1: names the message (its packets carry consecutive serials).
  first_serial integer     NOT NULL,
  total        integer     NOT NULL CHECK (total BETWEEN 2 AND 65535),
  packet       integer     NOT NULL CHECK (packet BETWEEN 1 AND total),
  -- This packet's own serial, to answer it once the message is whole.
  serial       integer     NOT NULL,
  body         bytea       NOT NULL,
  received_at  timestamptz NOT NULL,
  PRIMARY KEY (phone, msg_id, first_serial, packet)
);
CREATE INDEX jt808_subpackage_received_idx ON jt808_subpackage (received_at);
