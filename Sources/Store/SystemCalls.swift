internal import Glibc

@inline(__always) func strerrorText(_ code: Int32) -> UnsafeMutablePointer<CChar> {
    strerror(code)
}

let ENOSPC = Glibc.ENOSPC
let EROFS = Glibc.EROFS
let EACCES = Glibc.EACCES
let EPERM = Glibc.EPERM
let EDQUOT = Glibc.EDQUOT
let EIO = Glibc.EIO
let EFBIG = Glibc.EFBIG
