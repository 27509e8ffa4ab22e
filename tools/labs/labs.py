"""The labs: names, handout pages, and the tests that grade each.

A lab is graded by one boot, with the lab's extra kernel arguments: the
kernel runs exactly the ktests listed ("ktest=NAME,NAME,..."), then init
runs exactly the user tests listed (on a read-only program disk the kernel
mounts on /lab-tests; "init.mode=test -- /lab-tests"). Each test is one point, and so is a
boot that ends normally. The handout page of lab NAME is docs/labs/NAME.md;
its solution regions are the LAB(NAME) markers in the sources
(tools/labs/regions.py).

Choosing the tests: every region of a lab, stubbed alone, must make at
least one of them fail (`make lab-verify LAB=NAME` checks it). The ktests
carry each lab, because they run before init: where the stubs break the
fault path itself, no user program can run, not even init, and the user
tests (the same programs make test runs, and Linux passes) fail together.

A lab whose tests need several CPUs says how many (smp): its grading boot
has that many whatever SMP= the caller gave (make grade, make lab-check,
the labs suite of make test); the others boot with the caller's SMP.
A lab whose tests need swap says how much (swap): its grading boot gets a
fresh swap disk of that size (mkswap'ed, enabled with swap=/dev/vdX, as
`SWAP=` gives any boot).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Lab:
    name: str
    title: str
    ktests: tuple = ()          # exact ktest names
    user_tests: tuple = ()      # programs of user/tests (names in /tests)
    kargs: str = ""             # extra kernel command line for the grading boot
    smp: int = 0                # CPUs of the grading boot (0: the caller's SMP=)
    swap: str = ""              # a fresh swap disk of this size for the grading boot

    @property
    def doc(self):
        return f"docs/labs/{self.name}.md"

    @property
    def tests(self):
        return [("ktest", n) for n in self.ktests] + [("user", n) for n in self.user_tests]


LABS = (
    Lab("pgtable", "Page tables: walk and map",
        ktests=(
            "pgtable_map_write_read_direct",
            "pgtable_unmap_then_access_faults",
            "pgtable_write_protect_faults",
            "pgtable_map_twice_is_eexist",
            "pgtable_kernel_image_permissions",
            "pgtable_direct_map_huge_nx",
            "pgtable_user_half_unmapped",
            "pgtable_pte_helpers",
            "pgtable_user_pgd_shares_kernel_half",
            "pgtable_user_tables_freed",
        ),
        user_tests=("vma_test",)),
    Lab("cow", "Anonymous faults and copy-on-write fork",
        ktests=(
            "mm_anon_demand_zero_and_zero_page",
            "mm_cow_after_dup_mm",
            "mm_cow_three_generations",
            "mm_cow_shared_anon_stays_shared",
            "mm_cow_fork_keeps_zero_page",
        ),
        user_tests=("cow_test",)),
    Lab("filemap", "File mappings and the page cache",
        ktests=(
            "mm_file_read_maps_cache_page",
            "mm_file_private_write_first_copies",
            "mm_file_private_read_then_write",
            "mm_file_shared_write_reaches_cache",
            "mm_file_eof_tail_and_sigbus",
        ),
        user_tests=("filemap_coherence_test", "filemap_eof_test")),
    Lab("dirty", "Dirty tracking: write notification, page_mkclean, msync",
        ktests=(
            "mm_file_writenotify_and_mkclean",
            "mm_file_dirty_fault_counts",
            "mm_file_mprotect_keeps_writenotify",
            "mm_file_msync_errors_and_sync",
        ),
        user_tests=("dirty_tracking_test", "msync_test")),
    Lab("truncate", "The truncate race and the truncate_count sequence count",
        ktests=(
            "mm_file_truncate_unmaps_shared_and_cow",
            "mm_file_truncate_race_retries",
            "mm_file_fault_after_truncate",
        ),
        user_tests=("truncate_race_test",),
        kargs="fault_delay=5"),
    Lab("tlb", "TLB shootdown",
        ktests=(
            "tlb_cpu_mask_follows_cr3",
            "tlb_lazy_kthread_keeps_mm",
            "tlb_zap_frees_pages_after_the_flush",
            "tlb_one_call_per_range",
            "tlb_remote_cpu_flushed_by_munmap",
        ),
        user_tests=("tlb_stale_test",),
        smp=2),
    Lab("reclaim", "Reclaim's second chance and the swap-in fault",
        ktests=(
            "vmscan_second_chance_verdicts",
            "rmap_anon_vma_fork_split_merge_munmap",
            "rmap_try_to_unmap_file_pages",
            "swap_fault_read_write_fork",
        ),
        user_tests=("swap_test",),
        swap="64M"),
)


def find(name):
    """The lab called name, or None."""
    return next((lab for lab in LABS if lab.name == name), None)
