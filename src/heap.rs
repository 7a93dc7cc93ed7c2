//! A small size-class allocator for the shipped .wasm, which is built without
//! `std` (and so without its dlmalloc, about 7 KB of the module).
//!
//! Every block is a power of two from 16 bytes up, aligned to its own size
//! (to 64 KiB at most). A freed block goes onto the free list of its class and
//! is handed out again for the next request of that class; nothing is ever
//! split or merged. New blocks come from a bump region that grows the wasm
//! memory a page at a time (or as many pages as one large block needs).
//!
//! The trade: at most 2x the bytes a block asks for, for no headers, no
//! searching and a few hundred bytes of code. The package's allocations are
//! short-lived and repeat in the same sizes call after call (the request, the
//! copied body, the scanner's lists), so after the first call of a given size
//! the free lists serve everything and the memory stops growing. The
//! memory test (`tests/js/memory.test.mjs`) checks exactly that.
//!
//! The logic is generic over where pages come from, so the native tests run it
//! over a plain buffer.

use core::cell::UnsafeCell;

/// The wasm page size.
pub const PAGE: usize = 65536;
const MIN_SHIFT: u32 = 4;
const CLASSES: usize = usize::BITS as usize;

/// Where new pages come from: `memory.grow` in wasm, a buffer in tests.
pub trait Pages {
    /// Adds `count` pages; returns the address of the first, or `None`.
    fn grow(&mut self, count: usize) -> Option<usize>;
}

/// The allocator's state: one free list per class and the bump region.
pub struct Heap<P> {
    free: [usize; CLASSES],
    next: usize,
    end: usize,
    pages: P,
}

/// The class (log2 of the block size) that serves `size` bytes at `align`,
/// or `None` when no block could.
pub fn class_of(size: usize, align: usize) -> Option<u32> {
    if align > PAGE {
        return None;
    }
    let need = size.max(align).max(1 << MIN_SHIFT);
    let block = need.checked_next_power_of_two()?;
    Some(block.trailing_zeros())
}

impl<P: Pages> Heap<P> {
    /// An empty heap that takes pages from `pages`.
    pub const fn new(pages: P) -> Self {
        Heap {
            free: [0; CLASSES],
            next: 0,
            end: 0,
            pages,
        }
    }

    /// A block of class `class`, or `None` when the pages ran out.
    ///
    /// # Safety
    /// Addresses on the free lists must be blocks this heap handed out.
    #[inline(never)]
    pub unsafe fn take(&mut self, class: u32) -> Option<usize> {
        let head = *self.free_list(class);
        if head != 0 {
            // SAFETY: a free block's first word holds the next free block.
            *self.free_list(class) = unsafe { *(head as *const usize) };
            return Some(head);
        }
        let size = 1usize << class;
        let align = size.min(PAGE);
        let mut start = align_up(self.next, align);
        if start.checked_add(size)? > self.end {
            let count = size.div_ceil(PAGE);
            let base = self.pages.grow(count)?;
            if base != self.end {
                // Not contiguous with the old region: start afresh.
                self.next = base;
            }
            self.end = base + count * PAGE;
            start = align_up(self.next, align);
        }
        self.next = start + size;
        Some(start)
    }

    /// Returns a block of class `class` to its free list.
    ///
    /// # Safety
    /// `block` must have come from [`Heap::take`] with the same class, and
    /// must not be used afterwards.
    pub unsafe fn give(&mut self, block: usize, class: u32) {
        // SAFETY: the block is at least 16 bytes, aligned, and no longer used.
        unsafe { *(block as *mut usize) = *self.free_list(class) };
        *self.free_list(class) = block;
    }

    /// The head of `class`'s free list. Classes are below [`CLASSES`], a
    /// power of two, so the mask changes nothing; it only spares the index
    /// check, whose panic path would link the formatting code.
    fn free_list(&mut self, class: u32) -> &mut usize {
        &mut self.free[class as usize & (CLASSES - 1)]
    }
}

fn align_up(n: usize, align: usize) -> usize {
    (n + align - 1) & !(align - 1)
}

/// The heap behind the global allocator: single-threaded wasm only.
pub struct Global<P>(UnsafeCell<Heap<P>>);

// SAFETY: built only for wasm32 without atomics, where there is one thread.
unsafe impl<P> Sync for Global<P> {}

impl<P: Pages> Global<P> {
    /// A global heap over `pages`.
    pub const fn new(pages: P) -> Self {
        Global(UnsafeCell::new(Heap::new(pages)))
    }
}

// SAFETY: blocks are at least as large and as aligned as asked (see
// `class_of`), and each is handed out once until it is given back.
unsafe impl<P: Pages> core::alloc::GlobalAlloc for Global<P> {
    #[inline(never)]
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        // SAFETY: one thread, and no allocation re-enters the allocator.
        let heap = unsafe { &mut *self.0.get() };
        match class_of(layout.size(), layout.align()) {
            // SAFETY: the free lists hold only this heap's blocks.
            Some(class) => unsafe { heap.take(class) }.map_or(core::ptr::null_mut(), |a| a as _),
            None => core::ptr::null_mut(),
        }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: core::alloc::Layout) {
        if let Some(class) = class_of(layout.size(), layout.align()) {
            // SAFETY: `ptr` came from `alloc` with this layout, hence this class.
            unsafe { (*self.0.get()).give(ptr as usize, class) }
        }
    }

    unsafe fn realloc(
        &self,
        ptr: *mut u8,
        layout: core::alloc::Layout,
        new_size: usize,
    ) -> *mut u8 {
        if class_of(layout.size(), layout.align()) == class_of(new_size, layout.align()) {
            return ptr;
        }
        // SAFETY: the caller's contract for realloc is that of alloc + dealloc.
        unsafe {
            let new_layout =
                core::alloc::Layout::from_size_align_unchecked(new_size, layout.align());
            let new = self.alloc(new_layout);
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

/// The wasm memory itself.
#[cfg(target_arch = "wasm32")]
pub struct WasmMemory;

#[cfg(target_arch = "wasm32")]
impl Pages for WasmMemory {
    fn grow(&mut self, count: usize) -> Option<usize> {
        let previous = core::arch::wasm32::memory_grow(0, count);
        (previous != usize::MAX).then(|| previous * PAGE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// Pages from a buffer; `limit` pages at most.
    struct Buffer {
        memory: Vec<u8>,
        used: usize,
        limit: usize,
    }

    impl Buffer {
        fn new(limit: usize) -> Self {
            // One spare page so the first page can be aligned to PAGE.
            Buffer {
                memory: vec![0; (limit + 1) * PAGE],
                used: 0,
                limit,
            }
        }
    }

    impl Pages for Buffer {
        fn grow(&mut self, count: usize) -> Option<usize> {
            if self.used + count > self.limit {
                return None;
            }
            let base = align_up(self.memory.as_ptr() as usize, PAGE) + self.used * PAGE;
            self.used += count;
            Some(base)
        }
    }

    #[test]
    fn classes() {
        assert_eq!(class_of(0, 1), Some(4));
        assert_eq!(class_of(16, 8), Some(4));
        assert_eq!(class_of(17, 1), Some(5));
        assert_eq!(class_of(8, 64), Some(6));
        assert_eq!(class_of(PAGE + 1, 1), Some(17));
        assert_eq!(class_of(1, PAGE * 2), None);
        assert_eq!(class_of(usize::MAX, 1), None);
    }

    #[test]
    fn blocks_are_aligned_distinct_and_reused() {
        let mut heap = Heap::new(Buffer::new(64));
        let mut blocks = Vec::new();
        for class in [4, 9, 4, 17, 5, 16, 4, 12] {
            let a = unsafe { heap.take(class) }.unwrap();
            assert_eq!(
                a % (1usize << class).min(PAGE),
                0,
                "class {class} at {a:#x}"
            );
            blocks.push((a, class));
        }
        // No two blocks overlap.
        let mut spans: Vec<_> = blocks.iter().map(|&(a, c)| (a, a + (1 << c))).collect();
        spans.sort();
        assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "{spans:x?}");
        // Freed blocks come back, last in first out, and no page is added.
        let used = heap.pages.used;
        for &(a, c) in &blocks {
            unsafe { heap.give(a, c) };
        }
        for &(a, c) in blocks.iter().rev() {
            assert_eq!(unsafe { heap.take(c) }, Some(a));
        }
        assert_eq!(heap.pages.used, used);
    }

    #[test]
    fn running_out_of_pages_is_none_not_a_crash() {
        let mut heap = Heap::new(Buffer::new(2));
        assert!(unsafe { heap.take(16) }.is_some());
        assert!(unsafe { heap.take(16) }.is_some());
        assert_eq!(unsafe { heap.take(16) }, None);
        assert_eq!(unsafe { heap.take(18) }, None);
    }
}
