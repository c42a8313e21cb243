# Starting a child pwsh of the PowerShell that runs this one, for build.ps1 and the Pester tests
# (tests/common.ps1). Dot-source it:  . "$PSScriptRoot/tools/ChildPwsh.ps1"

function Get-ChildPwshCommand {
    <#
        .SYNOPSIS
        How to start a child pwsh of this PowerShell.

        .DESCRIPTION
        Its pwsh executable, or `dotnet <PSHOME>/pwsh.dll` under the .NET tool (there the current
        process is dotnet and $PSHOME has no pwsh to start). Returns the program followed by its
        leading arguments.

        .EXAMPLE
        $program, $leading = Get-ChildPwshCommand
    #>
    $process = [System.Environment]::ProcessPath
    $name = [System.IO.Path]::GetFileNameWithoutExtension($process)
    $dll = Join-Path $PSHOME 'pwsh.dll'
    if ($name -eq 'pwsh') { return , [string[]] @($process) }
    if ($name -eq 'dotnet' -and (Test-Path -LiteralPath $dll)) { return , [string[]] @($process, $dll) }
    , [string[]] @((Get-Command pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source)
}

function Invoke-Pwsh {
    <#
        .SYNOPSIS
        Runs a child pwsh (Get-ChildPwshCommand) with these arguments.

        .DESCRIPTION
        Pipeline input goes to the child's stdin; called without pipeline input, the child
        inherits this process's stdin. The child's output is this function's output.

        .EXAMPLE
        Invoke-Pwsh -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion'

        .EXAMPLE
        'line 1', 'line 2' | Invoke-Pwsh -NoProfile -File ./read-stdin.ps1
    #>
    $command = Get-ChildPwshCommand
    [string[]] $leading = @($command | Select-Object -Skip 1)
    if ($MyInvocation.ExpectingInput) {
        $input | & $command[0] @leading @args
    } else {
        & $command[0] @leading @args
    }
}
