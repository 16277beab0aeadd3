import Foundation

/// The readers take paths: each fuzz input goes to a file in /dev/shm (memory) first.
public enum FuzzFile {
    static let folder: String = {
        let dir = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()) + "/salesops-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// Writes the input to a file, runs `body` on its path, removes it; the libFuzzer return value (0).
    public static func withInput(_ data: UnsafePointer<UInt8>?, _ size: Int, suffix: String, _ body: (String) -> Void) -> Int32 {
        let path = "\(folder)/input.\(suffix)"
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o600)
        var done = 0
        while let data, done < size {
            let n = Glibc.write(fd, data + done, size - done)
            if n <= 0 { break }
            done += n
        }
        close(fd)
        body(path)
        unlink(path)
        return 0
    }
}
