//! Reusable parts of the screen.

pub mod field;
pub mod header;
pub mod hints;
pub mod image;
pub mod overlay;
pub mod status;
pub mod table;
pub mod wrap;
