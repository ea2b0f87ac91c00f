"""Wall display (综合屏 / 窗口屏): live calls and Mandarin voice announcements."""
