app_name = "security_questions"

urlpatterns: list = []
