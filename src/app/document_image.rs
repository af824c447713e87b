//! A document's image, decoded within pixel and memory limits: a small file that declares a
//! huge image is refused from its header, before anything is allocated.

/// The widest and tallest document image decoded, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 8192;
/// The most memory one document image's decoding may take: a 12-megapixel RGB scan fits.
pub const MAX_IMAGE_ALLOC: u64 = 40 << 20;

/// Why a document's bytes gave no image.
#[derive(Debug, PartialEq)]
pub enum ImageRefused {
    /// Not in a format this console decodes, or damaged.
    NotAnImage,
    /// Larger than [`MAX_IMAGE_SIDE`] or [`MAX_IMAGE_ALLOC`]: refused before it is decoded.
    TooLarge(String),
}

/// Decodes a document's image within pixel and memory limits: the header's size is checked
/// before anything is allocated, so a small file declaring a huge image costs nothing.
pub fn decode_image(bytes: &[u8]) -> Result<image::DynamicImage, ImageRefused> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| ImageRefused::NotAnImage)
    };
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOC);
    let mut decoding = reader()?;
    decoding.limits(limits);
    decoding.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            // The header alone, for the error: what size the file claims.
            let size = reader()
                .ok()
                .and_then(|r| r.into_dimensions().ok())
                .map_or(String::new(), |(w, h)| format!(" ({w}×{h} pixels)"));
            ImageRefused::TooLarge(format!(
                "the image{size} is larger than this console decodes (at most {MAX_IMAGE_SIDE} pixels a side and {} MiB)",
                MAX_IMAGE_ALLOC >> 20
            ))
        }
        _ => ImageRefused::NotAnImage,
    })
}
