//! The `netral` binary: everything lives in the library; see `netral --help`.

fn main() -> std::process::ExitCode {
    netral::cli::main()
}
