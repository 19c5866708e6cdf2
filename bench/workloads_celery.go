package bench

import (
	"strconv"
	"time"
)

const rowCelery = "celery mix: LPUSH/RPOP/HSET/ZADD/ZREM/PUBLISH"

// celeryTasks bounds the task ids (and so the hash keys) per client.
const celeryTasks = 1000

func celeryWorkload(cfg *Config) workload {
	return workload{
		group: "celery",
		rows:  []string{rowCelery},
		probe: [][]string{
			{"LPUSH", probeKey, "v"}, {"RPOP", probeKey},
			{"HSET", probeKey, "f", "v"}, {"DEL", probeKey},
			{"ZADD", probeKey, "1", "m"}, {"ZREM", probeKey, "m"},
			{"PUBLISH", probeKey, "v"},
		},
		run: single(runCelery),
	}
}

// runCelery imitates what a Celery deployment with a Redis broker and
// result backend sends: the task message is pushed to the queue and
// popped by a worker, the worker tracks it in the unacked sorted set,
// stores the result in a task-meta hash and publishes it to the result
// channel. Every client cycles through those six commands, Pipeline
// commands per write; throughput counts commands and latency is per
// command (from its batch's write to its reply).
func runCelery(rc *runCtx) (Sample, error) {
	cfg := rc.cfg
	queue, unacked := keyPrefix+"celery", keyPrefix+"unacked_index"
	return runTimed(rc, rowCelery, cfg.Clients, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		payload := string(newPayload(cfg.Payload, false))
		step, task := 0, 0
		meta := ""
		for !w.stopped() {
			start := time.Now()
			for range cfg.Pipeline {
				switch step % 6 {
				case 0:
					task = (task + 1) % celeryTasks
					meta = keyPrefix + "celery-task-meta-" + strconv.Itoa(w.id) + "-" + strconv.Itoa(task)
					c.Append("LPUSH", queue, payload)
				case 1:
					c.Append("RPOP", queue)
				case 2:
					c.Append("ZADD", unacked, strconv.FormatInt(start.UnixMilli(), 10), meta)
				case 3:
					c.Append("HSET", meta, "status", "SUCCESS", "result", payload)
				case 4:
					c.Append("ZREM", unacked, meta)
				case 5:
					c.Append("PUBLISH", meta, payload)
				}
				step++
			}
			if err := c.Flush(); err != nil {
				return err
			}
			for range cfg.Pipeline {
				if _, err := c.Discard(); err != nil {
					return err
				}
				w.record(start, time.Now())
			}
		}
		return nil
	})
}
