//! Registers the GraphQL schemas exported from the sandbox, so cynic checks every client query
//! against them at compile time.

fn main() {
    println!("cargo::rerun-if-changed=schemas/unioo.graphql");
    cynic_codegen::register_schema("unioo")
        .from_sdl_file("schemas/unioo.graphql")
        .expect("schemas/unioo.graphql is readable")
        .as_default()
        .expect("schema registers");
}
