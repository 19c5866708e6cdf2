package broker_test

import (
	"os"
	"testing"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
)

// TestMain lets the test binary run as a brokerd child process for the
// kill -9 crash tests.
func TestMain(m *testing.M) {
	brokertest.RunChildIfRequested()
	os.Exit(m.Run())
}

type brokerConfig = broker.Config
