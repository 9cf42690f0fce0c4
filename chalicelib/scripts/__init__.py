"""Scripts the Installation tab hands to users (bash, copy-pasteable, re-runnable)."""
