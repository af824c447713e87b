pub mod signature;
