package broker

import (
	"strings"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/pubsub"
)

func pubsubSpecs(s *Server) []command.Spec {
	ps := []string{"@pubsub", "@slow"}
	psFast := []string{"@pubsub", "@fast"}
	sub := command.PubSub | command.NoScript | command.Loading | command.Stale | command.SubscribedOK
	info := command.PubSub | command.Loading | command.Stale
	return []command.Spec{
		{Name: "SUBSCRIBE", Arity: -2, Flags: sub, ACLCategories: ps, Run: s.subscribeTo(pubsub.Channels),
			Summary: "Listens for messages published to channels.", Since: "2.0.0", Group: "pubsub"},
		{Name: "PSUBSCRIBE", Arity: -2, Flags: sub, ACLCategories: ps, Run: s.subscribeTo(pubsub.Patterns),
			Summary: "Listens for messages published to channels that match one or more patterns.", Since: "2.0.0", Group: "pubsub"},
		{Name: "SSUBSCRIBE", Arity: -2, Flags: sub, Keys: command.AllKeys, ACLCategories: ps, Run: s.subscribeTo(pubsub.ShardChannels),
			Summary: "Listens for messages published to shard channels.", Since: "7.0.0", Group: "pubsub"},
		{Name: "UNSUBSCRIBE", Arity: -1, Flags: sub, ACLCategories: ps, Run: s.unsubscribeFrom(pubsub.Channels),
			Summary: "Stops listening to messages posted to channels.", Since: "2.0.0", Group: "pubsub"},
		{Name: "PUNSUBSCRIBE", Arity: -1, Flags: sub, ACLCategories: ps, Run: s.unsubscribeFrom(pubsub.Patterns),
			Summary: "Stops listening to messages published to channels that match one or more patterns.", Since: "2.0.0", Group: "pubsub"},
		{Name: "SUNSUBSCRIBE", Arity: -1, Flags: sub, Keys: command.AllKeys, ACLCategories: ps, Run: s.unsubscribeFrom(pubsub.ShardChannels),
			Summary: "Stops listening to messages posted to shard channels.", Since: "7.0.0", Group: "pubsub"},
		{Name: "PUBLISH", Arity: 3, Flags: command.PubSub | command.Loading | command.Stale | command.Fast | command.MayReplicate, ACLCategories: psFast,
			Run: s.publish, Summary: "Posts a message to a channel.", Since: "2.0.0", Group: "pubsub"},
		{Name: "SPUBLISH", Arity: 3, Flags: command.PubSub | command.Loading | command.Stale | command.Fast | command.MayReplicate, Keys: command.FirstKey,
			ACLCategories: psFast, Run: s.spublish, Summary: "Post a message to a shard channel", Since: "7.0.0", Group: "pubsub"},
		{Name: "PUBSUB", Arity: -2, ACLCategories: ps, Summary: "A container for Pub/Sub commands.", Since: "2.8.0", Group: "pubsub",
			Subcommands: []command.Spec{
				{Name: "PUBSUB|CHANNELS", Arity: -2, Flags: info, ACLCategories: ps, Run: s.pubsubNames(pubsub.Channels),
					Summary: "Returns the active channels.", Since: "2.8.0", Group: "pubsub"},
				{Name: "PUBSUB|SHARDCHANNELS", Arity: -2, Flags: info, ACLCategories: ps, Run: s.pubsubNames(pubsub.ShardChannels),
					Summary: "Returns the active shard channels.", Since: "7.0.0", Group: "pubsub"},
				{Name: "PUBSUB|NUMSUB", Arity: -2, Flags: info, ACLCategories: ps, Run: s.pubsubNumSub(pubsub.Channels),
					Summary: "Returns a count of subscribers to channels.", Since: "2.8.0", Group: "pubsub"},
				{Name: "PUBSUB|SHARDNUMSUB", Arity: -2, Flags: info, ACLCategories: ps, Run: s.pubsubNumSub(pubsub.ShardChannels),
					Summary: "Returns the count of subscribers of shard channels.", Since: "7.0.0", Group: "pubsub"},
				{Name: "PUBSUB|NUMPAT", Arity: 2, Flags: info, ACLCategories: ps, Run: s.pubsubNumPat,
					Summary: "Returns a count of unique pattern subscriptions.", Since: "2.8.0", Group: "pubsub"},
				{Name: "PUBSUB|HELP", Arity: 2, Flags: command.Loading | command.Stale, ACLCategories: ps, Run: command.Help(pubsubHelpLines...),
					Summary: "Returns helpful text about the different subcommands.", Since: "6.2.0", Group: "pubsub"},
			}},
	}
}

// subscribes lists the commands that make a connection a subscriber (or
// stop it being one): they need a real connection with an outbox.
func subscribes(spec *command.Spec) bool {
	switch spec.Name {
	case "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE":
		return true
	}
	return false
}

func (s *Server) subscribeTo(kind pubsub.Kind) command.Handler {
	return func(c *command.Ctx) error {
		cl := clientOf(c)
		sb := s.subscriberOf(cl)
		sb.reply = c.Out
		cl.subscriptions = s.pubsub.Subscribe(sb, kind, c.Args[1:])
		sb.reply = nil
		return nil
	}
}

func (s *Server) unsubscribeFrom(kind pubsub.Kind) command.Handler {
	return func(c *command.Ctx) error {
		cl := clientOf(c)
		sb := s.subscriberOf(cl)
		sb.reply = c.Out
		cl.subscriptions = s.pubsub.Unsubscribe(sb, kind, c.Args[1:])
		sb.reply = nil
		return nil
	}
}

func (s *Server) publish(c *command.Ctx) error {
	if s.taps.Published != nil {
		s.taps.Published(c.Args[1], c.Args[2])
	}
	c.Out.Int(int64(s.pubsub.Publish(c.Args[1], c.Args[2])))
	return nil
}

func (s *Server) spublish(c *command.Ctx) error {
	c.Out.Int(int64(s.pubsub.ShardPublish(c.Args[1], c.Args[2])))
	return nil
}

func (s *Server) pubsubNames(kind pubsub.Kind) command.Handler {
	return func(c *command.Ctx) error {
		// NB: the Spec's arity is Redis's -2, and like pubsubCommand we
		// answer more than one pattern with the subcommand syntax error,
		// not the arity error.
		if len(c.Args) > 3 {
			return errPubSubSyntax(c)
		}
		var pattern []byte
		if len(c.Args) == 3 {
			pattern = c.Args[2]
		}
		c.Out.BulkStrings(s.pubsub.Names(kind, pattern))
		return nil
	}
}

func (s *Server) pubsubNumSub(kind pubsub.Kind) command.Handler {
	return func(c *command.Ctx) error {
		names := c.Args[2:]
		c.Out.Array(2 * len(names)) // a flat array in RESP3 too, as Redis sends it
		for _, n := range names {
			c.Out.Bulk(n)
			c.Out.Int(int64(s.pubsub.NumSub(kind, n)))
		}
		return nil
	}
}

func (s *Server) pubsubNumPat(c *command.Ctx) error {
	c.Out.Int(int64(s.pubsub.NumPatterns()))
	return nil
}

var pubsubHelpLines = []string{
	"CHANNELS [<pattern>]",
	"    Return the currently active channels matching a <pattern> (default: '*').",
	"NUMPAT",
	"    Return number of subscriptions to patterns.",
	"NUMSUB [<channel> ...]",
	"    Return the number of subscribers for the specified channels, excluding",
	"    pattern subscriptions(default: no channels).",
	"SHARDCHANNELS [<pattern>]",
	"    Return the currently active shard level channels matching a <pattern> (default: '*').",
	"SHARDNUMSUB [<shardchannel> ...]",
	"    Return the number of subscribers for the specified shard level channel(s)",
}

// errPubSubSyntax is Redis's addReplySubcommandSyntaxError for PUBSUB: the
// subcommand as the client spelled it (at most 128 bytes).
func errPubSubSyntax(c *command.Ctx) error {
	sub := c.Args[1]
	if len(sub) > 128 {
		sub = sub[:128]
	}
	return command.Error("ERR unknown subcommand or wrong number of arguments for '" + string(sub) +
		"'. Try " + strings.ToUpper(string(c.Args[0])) + " HELP.")
}

// errSubscribedContext is Redis's reply to a command a RESP2 client may
// not run while subscribed.
func errSubscribedContext(spec *command.Spec) command.Error {
	return command.Error("ERR Can't execute '" + strings.ToLower(spec.Name) +
		"': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
}
