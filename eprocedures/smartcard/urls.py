app_name = "smartcard"
urlpatterns: list = []
