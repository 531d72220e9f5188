"""Third-party add-ons: their format, installation, loading, crash recovery and safe mode.

One job per module:

- `manifest`: reads and checks `manifest.json`;
- `meta`: the user's saved state per add-on (`meta.json`: enabled, quarantine, config);
- `package`: checks zip packages and folders before anything is written, then copies them;
- `catalog`: lists what is installed (folders and `repetend` entry points) without importing;
- `distributions`: entry points and pip, for add-ons shipped as Python distributions;
- `manager`: install, update, remove, enable, disable, configure;
- `loader`: imports and registers each add-on on its own, with a status and a load time;
- `crash`: breadcrumbs that quarantine an add-on that killed the process while starting;
- `safemode`: why a start is in safe mode (flag, environment, Shift).

`Host.open()` calls `load_addons`; the `repetend addons` commands use `AddonManager`.
"""

from repetend.host.addons.loader import AddonRecord, AddonStatus, LoadedAddons, load_addons
from repetend.host.addons.manager import AddonManager, Outcome

__all__ = ["AddonManager", "AddonRecord", "AddonStatus", "LoadedAddons", "Outcome",
           "load_addons"]
