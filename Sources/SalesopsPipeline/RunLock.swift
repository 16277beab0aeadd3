import Foundation
import SalesopsCore
#if canImport(Glibc)
import Glibc
#endif

/// One run at a time: an exclusive `flock` on a file in the output folder, released on exit.
final class RunLock {
    private var fd: Int32

    init(path: String) throws {
        fd = open(path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw SalesopsError(.output, "cannot create the lock file \(path)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            fd = -1
            throw SalesopsError(.locked, "another salesops run holds \(path); try again when it finishes")
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
