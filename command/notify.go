package command

// NotifyClass is a keyspace-notification class, as the letters of Redis's
// notify-keyspace-events select them.
type NotifyClass uint16

const (
	NotifyGeneric NotifyClass = 1 << iota // g: DEL, EXPIRE, RENAME, ...
	NotifyString                          // $
	NotifyList                            // l
	NotifySet                             // s
	NotifyHash                            // h
	NotifyZSet                            // z
	NotifyExpired                         // x: a key expired
	NotifyEvicted                         // e: a key was evicted
	NotifyStream                          // t
	NotifyModule                          // d
	NotifyKeyMiss                         // m: a read missed
	NotifyNew                             // n: a key was created
)

// Notifier receives keyspace events; the broker publishes them on the
// __keyspace@<db>__ and __keyevent@<db>__ channels when enabled.
type Notifier interface {
	Notify(db int, class NotifyClass, event string, key []byte)
}

// SetNotifier installs the notifier (the broker does, per connection).
func (c *Ctx) SetNotifier(n Notifier) { c.notifier = n }

// Notify reports event on key in the command's database, as Redis's
// notifyKeyspaceEvent: a write command calls it once per change, with
// Redis's event name ("set", "lpush", "xadd", "del", ...). Nothing is
// sent while the log is replayed.
func (c *Ctx) Notify(class NotifyClass, event string, key []byte) {
	if c.notifier != nil && !c.Loading {
		c.notifier.Notify(c.DB.Index(), class, event, key)
	}
}

// NotifyIn is Notify for another database (MOVE, COPY ... DB).
func (c *Ctx) NotifyIn(db int, class NotifyClass, event string, key []byte) {
	if c.notifier != nil && !c.Loading {
		c.notifier.Notify(db, class, event, key)
	}
}
