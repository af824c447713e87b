//! Images in the terminal: halfblocks everywhere, kitty, sixel or iTerm2 graphics where the
//! terminal said it draws them.
//!
//! ratatui-image's `Picker` is not used: each of its constructors, inside tmux, runs
//! `tmux set -p allow-passthrough on`, changing the operator's tmux setting behind their back.
//! This is the part of it we need, with no environment sniffing.

use ratatui::layout::Size;
use ratatui_image::picker::ProtocolType;
use ratatui_image::protocol::{
    Protocol, halfblocks::Halfblocks, iterm2::Iterm2, kitty::Kitty, sixel::Sixel,
};
use ratatui_image::{FontSize, Resize};
use std::sync::Arc;

/// How this terminal draws images: the protocol, and a cell's size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSupport {
    pub protocol: ProtocolType,
    pub cell: (u16, u16),
}

impl Default for ImageSupport {
    /// Halfblocks, which any terminal draws. The cell size only sets the proportions: 1:2.
    fn default() -> ImageSupport {
        ImageSupport {
            protocol: ProtocolType::Halfblocks,
            cell: (10, 20),
        }
    }
}

impl ImageSupport {
    /// The image scaled to fit `size` (cells), keeping its proportions, ready to draw.
    pub fn protocol(
        &self,
        image: &Arc<image::DynamicImage>,
        size: Size,
    ) -> Result<Protocol, ratatui_image::errors::Errors> {
        let font = FontSize::new(self.cell.0, self.cell.1);
        let resize = Resize::Scale(None);
        let area = resize.size_for(image, font, size);
        let resized = resize.resize(image, font, area, None);
        Ok(match self.protocol {
            ProtocolType::Halfblocks => Protocol::Halfblocks(Halfblocks::new(resized, area)?),
            ProtocolType::Sixel => Protocol::Sixel(Sixel::new(resized, area, false)?),
            ProtocolType::Kitty => {
                // Kitty keeps images by id. One image keeps one id from frame to frame, so its
                // first cell is unchanged and the diff does not send the image again.
                let id = (Arc::as_ptr(image) as usize as u32).max(1);
                Protocol::Kitty(Kitty::new(resized, area, id, false, false)?)
            }
            ProtocolType::Iterm2 => Protocol::ITerm2(Iterm2::new(resized, area, false)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;

    #[test]
    fn one_image_fills_the_same_cells_every_frame_so_the_diff_sends_it_once() {
        let image = Arc::new(image::DynamicImage::new_rgb8(64, 48));
        let area = Rect::new(0, 0, 12, 6);
        for protocol in [
            ProtocolType::Halfblocks,
            ProtocolType::Sixel,
            ProtocolType::Kitty,
            ProtocolType::Iterm2,
        ] {
            let support = ImageSupport {
                protocol,
                cell: (8, 16),
            };
            let frame = || {
                let p = support.protocol(&image, area.as_size()).unwrap();
                let mut buf = Buffer::empty(area);
                ratatui_image::Image::new(&p).render(area, &mut buf);
                buf
            };
            let first = frame();
            assert_ne!(first, Buffer::empty(area), "{protocol:?} drew nothing");
            assert_eq!(first, frame(), "{protocol:?}");
        }
    }
}
