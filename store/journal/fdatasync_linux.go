package journal

import (
	"os"
	"syscall"
)

// fdatasync flushes f's data and the size it grew to, not its times: the
// one metadata change a reader needs.
func fdatasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
