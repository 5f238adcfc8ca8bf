"""Built-in plug-ins: registered through the same hooks as any county's or society's plug-in.

Read these as examples of each hook.
"""
