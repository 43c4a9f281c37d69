app_name = "your_data"

urlpatterns: list = []
