from kb.models.feedback import (
    ArticleChangeSubscription,
    ArticleDailyViews,
    ArticleFeedback,
    ArticleImprovement,
)
from kb.models.history import PolicyVersion, TranslationRecord
from kb.models.pages import (
    ArticlePage,
    FaqPage,
    FaqPageTag,
    HelpCenterPage,
    HomePromotedArticle,
    HowToVideoPage,
    HowToVideoPageTag,
    PolicyPage,
    PolicyPageTag,
    TopicPage,
)

ARTICLE_MODELS = (FaqPage, HowToVideoPage, PolicyPage)

__all__ = [
    "ARTICLE_MODELS",
    "ArticleChangeSubscription",
    "ArticleDailyViews",
    "ArticleFeedback",
    "ArticleImprovement",
    "ArticlePage",
    "FaqPage",
    "FaqPageTag",
    "HelpCenterPage",
    "HomePromotedArticle",
    "HowToVideoPage",
    "HowToVideoPageTag",
    "PolicyPage",
    "PolicyPageTag",
    "PolicyVersion",
    "TopicPage",
    "TranslationRecord",
]
