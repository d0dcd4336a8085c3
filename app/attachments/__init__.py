"""照片与扫描件: photos and scans kept as evidence with a notice, a meeting, a concern or a case.

The public API is what is imported here; ``service`` holds the rules, ``files`` the checking,
shrinking and content-addressed storing of the bytes (``attachments/`` beside the database).
"""
from app.attachments.service import (  # noqa: F401
    OWNER_KINDS, MAX_BYTES, FILE_FILTER_PATTERNS, AttachmentView, AttachmentFile, owner_kind_label,
    attach, attachments, attachment_file, update_attachment, remove_attachment, allowed_actions,
)
