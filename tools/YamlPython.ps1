# The python that can parse YAML (PyYAML), for tests/Workflows.Tests.ps1 and build.ps1 -InstallTools.
# Dot-source it:  . "$PSScriptRoot/tools/YamlPython.ps1"

function Get-YamlPython {
    <#
        .SYNOPSIS
        The path of the first python on PATH that imports yaml (PyYAML), or nothing.

        .DESCRIPTION
        Every python3 and python on PATH is tried in PATH order, not only the first: a pyenv
        shim (or another python earlier on PATH) without PyYAML must not hide the system
        /usr/bin/python3 with Debian's python3-yaml, which .ci/run and build.ps1 -InstallTools
        install on Linux.

        .EXAMPLE
        $python = Get-YamlPython
    #>
    $candidates = @(Get-Command python3, python -CommandType Application -All -ErrorAction SilentlyContinue | ForEach-Object Source)
    foreach ($candidate in $candidates | Select-Object -Unique) {
        & $candidate -c 'import yaml' 2>$null
        if ($LASTEXITCODE -eq 0) { return $candidate }
    }
}
