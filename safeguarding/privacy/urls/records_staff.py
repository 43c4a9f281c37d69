from django.urls import path

from safeguarding.privacy import views_notice

app_name = "records"

urlpatterns = [
    path("article-30/", views_notice.article_30, name="article_30"),
    path("article-30.csv", views_notice.article_30_csv, name="article_30_csv"),
]
