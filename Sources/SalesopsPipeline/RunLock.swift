import Foundation
import SalesopsCore
#if canImport(Glibc)
import Glibc
#endif

/// One run at a time: an exclusive `flock` on a file in the output folder, released on exit.
final class RunLock {
    private var fd: Int32

    /// Takes the lock or throws `.locked` (exit 75) at once; `purpose` names what waits, for the message.
    init(path: String, purpose: String = "run") throws {
        fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw SalesopsError(.output, "cannot create the lock file \(path)", cause: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            fd = -1
            throw SalesopsError(.locked, "a salesops run holds \(path): the \(purpose) cannot start now; try again when it finishes")
        }
    }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        Glibc.close(fd)
        fd = -1
    }

    deinit { release() }
}
