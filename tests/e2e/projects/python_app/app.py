import getpass
import os
import sys

import yaml

with open("config.yaml", encoding="utf-8") as f:
    config = yaml.safe_load(f)
print(f"{config['greeting']} from {config['name']} {sys.version_info.major}.{sys.version_info.minor}"
      f" with {', '.join(config['languages'])}")
print(f"as {getpass.getuser()} in {os.getcwd()}, HOME={os.environ.get('HOME')}")
