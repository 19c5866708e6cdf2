// Package pubsub is brokerd's publish/subscribe engine: the registry of
// channel, pattern and shard-channel subscriptions, the RESP frames Redis
// sends subscribers, and the bounded per-subscriber outbox that lets a
// publisher hand a message over without ever waiting for a slow reader.
//
// The broker owns connections and the commands' dispatch; it implements
// Subscriber with an Outbox per subscribed connection.
package pubsub
