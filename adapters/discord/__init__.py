"""The Discord adapter (`lorebot run discord`): discord.py's Client and app_commands CommandTree turn
slash commands, @mentions and DMs into bot.types.Question, and render the core's Answer as messages,
a citations embed and feedback buttons."""
