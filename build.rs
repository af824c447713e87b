//! Registers the GraphQL schemas exported from the sandbox, so cynic checks every client query
//! against them at compile time.

fn main() {
    println!("cargo::rerun-if-changed=schemas/unioo.graphql");
    println!("cargo::rerun-if-changed=schemas/healthmov.graphql");
    println!("cargo::rerun-if-changed=schemas/vasco.graphql");
    cynic_codegen::register_schema("vasco")
        .from_sdl_file("schemas/vasco.graphql")
        .expect("schemas/vasco.graphql is readable");
    cynic_codegen::register_schema("healthmov")
        .from_sdl_file("schemas/healthmov.graphql")
        .expect("schemas/healthmov.graphql is readable");
    cynic_codegen::register_schema("unioo")
        .from_sdl_file("schemas/unioo.graphql")
        .expect("schemas/unioo.graphql is readable")
        .as_default()
        .expect("schema registers");
}
