from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "goalkeeper.channels"
    label = "channels"
    verbose_name = "Chat channels"
