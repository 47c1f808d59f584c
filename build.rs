//! Rebuild when the knowledge changes: it is compiled into the binary with `include_dir!`,
//! which does not tell Cargo about the files it reads.

fn main() {
    println!("cargo:rerun-if-changed=knowledge");
}
