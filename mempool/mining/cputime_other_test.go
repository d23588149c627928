//go:build !unix

package mining

import "time"

func processCPUTime() time.Duration { return 0 }
