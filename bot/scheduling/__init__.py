"""The APScheduler adapters, in one place: each implements a timer port that a service defines
(``bot.services.story.ports.TurnTimer``, the prompt of the day's daily jobs) on the bot's one
``AsyncIOScheduler``. Services never import APScheduler; cogs never schedule jobs themselves."""
