# SPDX-License-Identifier: EUPL-1.2
"""URLs of the mail archive: one message, its raw bytes and attachments, the unmatched queue,
confirming or rejecting a weakly linked message."""

from django.urls import URLPattern, path

from flagdesk.mailarchive import views

urlpatterns: list[URLPattern] = [
    path("mail/unmatched", views.unmatched_list, name="fd-mail-unmatched"),
    path("mail/<int:pk>", views.mail_detail, name="fd-mail-detail"),
    path("mail/<int:pk>/message.eml", views.mail_raw, name="fd-mail-raw"),
    path("mail/<int:pk>/attach", views.mail_attach, name="fd-mail-attach"),
    path("mail/<int:pk>/confirm", views.mail_confirm, name="fd-mail-confirm"),
    path("mail/<int:pk>/reject", views.mail_reject, name="fd-mail-reject"),
    path("mail/attachments/<int:pk>", views.attachment_download, name="fd-mail-attachment"),
]
