#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The GitHub Actions workflows (.github/workflows): they parse as YAML, use only well-known actions
# pinned to a version, and every run step is a call of build.ps1 with parameters build.ps1 has.
# The YAML parser is PyYAML through python (tools/YamlPython.ps1); the run-step check reads the lines.

BeforeDiscovery {
    $script:workflowCases = @(
        foreach ($name in 'ci.yml', 'release.yml') { @{ Name = $name } }
    )
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:workflowDir = Join-Path $script:RepoRoot '.github/workflows'
    $script:buildScript = Join-Path $script:RepoRoot 'build.ps1'
    $buildAst = [System.Management.Automation.Language.Parser]::ParseFile($script:buildScript, [ref]$null, [ref]$null)
    $script:buildParameters = @($buildAst.ParamBlock.Parameters | ForEach-Object { $_.Name.VariablePath.UserPath })

    # build.ps1's table of released platforms: runtime identifier -> cargo target triple.
    $assignment = $buildAst.Find({
            param($node)
            $node -is [System.Management.Automation.Language.AssignmentStatementAst] -and "$($node.Left)" -eq '$ReleaseRuntimes'
        }, $false)
    $table = $assignment.Right.Find({ param($node) $node -is [System.Management.Automation.Language.HashtableAst] }, $true)
    $script:releaseRuntimes = @{}
    foreach ($pair in $table.KeyValuePairs) { $script:releaseRuntimes[$pair.Item1.Value] = $pair.Item2.Find({ param($n) $n -is [System.Management.Automation.Language.StringConstantExpressionAst] }, $true).Value }

    # PyYAML with BaseLoader: every scalar a string, so "on" stays a key (YAML 1.1 would read it as true).
    # Any python on PATH that has it (tools/YamlPython.ps1; Linux CI installs Debian's python3-yaml).
    . (Join-Path $script:RepoRoot 'tools/YamlPython.ps1')
    $script:python = Get-YamlPython
    # Without a YAML parser the YAML checks are skipped. Under CI (CI=true) build.ps1 counts such a
    # skip as a failure, except off Linux: the workflow files are the same everywhere and the Linux
    # CI leg (.ci/run, build.ps1 -InstallTools) installs the parser and checks them.
    $script:noYamlReason = if ($IsLinux) {
        'no YAML parser here (python with PyYAML: apt-get install python3-yaml, or ./build.ps1 -InstallTools)'
    } else {
        'platform: the workflows are parsed on Linux CI (python3-yaml); no python with PyYAML here'
    }

    function ConvertFrom-Workflow {
        param([string] $Path)
        $code = 'import json, sys, yaml; print(json.dumps(yaml.load(open(sys.argv[1], encoding="utf-8"), Loader=yaml.BaseLoader)))'
        $json = & $script:python -c $code $Path
        if ($LASTEXITCODE -ne 0) { throw "'$Path' is not valid YAML." }
        $json | ConvertFrom-Json -AsHashtable
    }

    function Get-RunCommand {
        # The run: lines of a workflow (all are one line here; a block scalar would be its own finding).
        param([string] $Path)
        foreach ($line in Get-Content -LiteralPath $Path) {
            if ($line -match '^\s*(?:-\s+)?run:\s*(\S.*)$') { $Matches[1].Trim() }
        }
    }
}

Describe 'Workflow <Name>' -ForEach $script:workflowCases {
    BeforeAll {
        $script:path = Join-Path $script:workflowDir $Name
    }

    It 'exists and indents with spaces only' {
        Test-Path -LiteralPath $script:path | Should -BeTrue
        (Get-Content -LiteralPath $script:path -Raw) | Should -Not -Match "`t"
    }

    It 'runs only ./build.ps1, with parameters build.ps1 has' {
        $runs = @(Get-RunCommand $script:path)
        $runs.Count | Should -BeGreaterThan 0
        foreach ($run in $runs) {
            $run | Should -Match '^\./build\.ps1(\s|$)' -Because 'the workflow holds no logic of its own'
            $run | Should -Not -Match '[|;&]|^\./build\.ps1.*\./' -Because 'one call per step'
            foreach ($parameter in [regex]::Matches($run, '(?<=\s)-([A-Za-z]+)') | ForEach-Object { $_.Groups[1].Value }) {
                $parameter | Should -BeIn $script:buildParameters -Because "'$run' must use a parameter of build.ps1"
            }
        }
    }

    Context 'Parsed as YAML' {
        BeforeAll {
            $script:doc = if ($script:python) { ConvertFrom-Workflow $script:path }
        }

        It 'has triggers, jobs, pwsh as the shell, and only pinned well-known actions' {
            if (-not $script:python) { Set-ItResult -Skipped -Because $script:noYamlReason; return }
            $script:doc.Keys | Should -Contain 'on'
            $script:doc.defaults.run.shell | Should -Be 'pwsh'
            $script:doc.jobs.Count | Should -BeGreaterThan 0
            foreach ($job in $script:doc.jobs.GetEnumerator()) {
                $job.Value['runs-on'] | Should -Not -BeNullOrEmpty -Because "job $($job.Key) needs a runner"
                @($job.Value.steps).Count | Should -BeGreaterThan 0
                foreach ($step in $job.Value.steps) {
                    @('uses', 'run' | Where-Object { $step.ContainsKey($_) }).Count | Should -Be 1 -Because 'a step either uses an action or runs build.ps1'
                    if ($step.ContainsKey('uses')) {
                        $step.uses | Should -Match '^(actions/(checkout|upload-artifact|download-artifact|setup-dotnet)@v\d+|dtolnay/rust-toolchain@\d+\.\d+\.\d+)$'
                    } else {
                        $step.run | Should -Match '^\./build\.ps1(\s|$)'
                    }
                }
            }
        }

        It 'holds the steps of its purpose' {
            if (-not $script:python) { Set-ItResult -Skipped -Because $script:noYamlReason; return }
            $jobs = $script:doc.jobs
            if ($Name -eq 'ci.yml') {
                $jobs.test.strategy.matrix.os | Should -Be @('ubuntu-latest', 'windows-latest', 'macos-latest')
                $jobs.test.steps.run | Should -Contain './build.ps1 -Test'
                return
            }
            $script:doc.on.push.tags | Should -Be @('v*')
            # Six native builds, each target triple the one build.ps1 maps to its runtime identifier.
            $matrix = @($jobs.native.strategy.matrix.include)
            @($matrix.rid | Sort-Object) | Should -Be @($script:releaseRuntimes.Keys | Sort-Object)
            foreach ($entry in $matrix) { $entry.target | Should -Be $script:releaseRuntimes[$entry.rid] }
            $jobs.native.steps.run | Should -Contain './build.ps1 -NativeOnly -RustTarget ${{ matrix.target }}'
            # One package from all of them, install-tested on each OS, then published with the secret.
            $jobs.package.needs | Should -Be 'native'
            $jobs.package.steps.run | Should -Contain './build.ps1 -Package -AssembleFrom native'
            $jobs['install-test'].needs | Should -Be 'package'
            $jobs['install-test'].strategy.matrix.os | Should -Be @('ubuntu-latest', 'windows-latest', 'macos-latest')
            $jobs['install-test'].steps.run | Should -Contain './build.ps1 -InstallTest -PackagePath package'
            $jobs.publish.needs | Should -Be 'install-test'
            $publish = $jobs.publish.steps | Where-Object { $_.ContainsKey('run') }
            $publish.run | Should -Be './build.ps1 -Publish -PackagePath package -ApiKey $env:PSGALLERY_API_KEY'
            $publish.env.PSGALLERY_API_KEY | Should -Be '${{ secrets.PSGALLERY_API_KEY }}'
        }
    }
}

Describe 'Composite action (action.yml)' {
    BeforeAll {
        $script:actionPath = Join-Path $script:RepoRoot 'action.yml'
        $script:action = if ($script:python) { ConvertFrom-Workflow $script:actionPath }
        $scriptAst = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $script:RepoRoot 'action/Invoke-GitHubOidcAction.ps1'), [ref]$null, [ref]$null)
        $script:scriptParameters = @($scriptAst.ParamBlock.Parameters | ForEach-Object { $_.Name.VariablePath.UserPath })
    }

    It 'never puts an input or expression into a script''s text (they go through env:)' {
        $text = Get-Content -LiteralPath $script:actionPath -Raw
        (Get-Content -LiteralPath $script:actionPath -Raw) | Should -Not -Match "`t"
        # A run block holds no ${{ }}: inputs reach the scripts as environment variables only.
        $inRun = $false
        foreach ($line in $text -split "`n") {
            if ($line -match '^\s+run:\s*\|\s*$') { $inRun = $true; $indent = ($line -replace '\S.*$').Length; continue }
            if ($inRun -and $line.Trim() -and ($line -replace '\S.*$').Length -le $indent) { $inRun = $false }
            if ($inRun) { $line | Should -Not -Match '\$\{\{' }
        }
    }

    Context 'Parsed as YAML' {
        It 'is a composite action whose every run step uses pwsh, and whose actions are pinned well-known ones' {
            if (-not $script:python) { Set-ItResult -Skipped -Because $script:noYamlReason; return }
            $script:action.runs.using | Should -Be 'composite'
            @($script:action.runs.steps).Count | Should -BeGreaterThan 0
            foreach ($step in $script:action.runs.steps) {
                @('uses', 'run' | Where-Object { $step.ContainsKey($_) }).Count | Should -Be 1
                if ($step.ContainsKey('uses')) {
                    $step.uses | Should -Match '^actions/cache@v\d+$'
                } else {
                    $step.shell | Should -Be 'pwsh'
                }
            }
        }

        It 'has the inputs of issue 18, mirrored by the script''s parameters, and the outputs subject and allowed' {
            if (-not $script:python) { Set-ItResult -Skipped -Because $script:noYamlReason; return }
            @($script:action.inputs.Keys | Sort-Object) | Should -Be @('audience', 'fail-on-deny', 'module-version', 'policy', 'policy-path', 'provider')
            $script:action.inputs['fail-on-deny'].default | Should -Be 'true'
            foreach ($name in $script:action.inputs.Keys) {
                $parameter = (Get-Culture).TextInfo.ToTitleCase($name).Replace('-', '')
                $parameter | Should -BeIn $script:scriptParameters -Because "input $name is a parameter of the script"
            }
            'ModulePath' | Should -BeIn $script:scriptParameters
            $script:action.outputs.subject.value | Should -Be '${{ steps.oidc.outputs.subject }}'
            $script:action.outputs.allowed.value | Should -Be '${{ steps.oidc.outputs.allowed }}'
            $oidc = $script:action.runs.steps | Where-Object { $_['id'] -eq 'oidc' }
            $oidc.run | Should -Match 'action/Invoke-GitHubOidcAction\.ps1'
            # The module comes from the Gallery, at a version, cached between runs.
            ($script:action.runs.steps.run -join "`n") | Should -Match 'Save-PSResource -Name GitHubOidc -Version '
            ($script:action.runs.steps | Where-Object { $_['uses'] -like 'actions/cache@*' }).with.key | Should -Match 'steps\.version\.outputs\.version'
        }
    }
}

Describe 'Reusable workflow oidc-drift.yml (every organization on a schedule)' {
    # Not the project's CI: a workflow that users call, so its run steps are short pwsh scripts of
    # the module's commands rather than ./build.ps1. The intent of the rules above still holds:
    # pinned well-known actions only, pwsh only, and no ${{ }} inside a script (inputs and secrets
    # reach it as environment variables, so an organization name cannot inject code).
    BeforeAll {
        $script:driftPath = Join-Path $script:workflowDir 'oidc-drift.yml'
        $script:drift = if ($script:python) { ConvertFrom-Workflow $script:driftPath }
    }

    It 'indents with spaces and puts no expression into a script''s text' {
        $text = Get-Content -LiteralPath $script:driftPath -Raw
        $text | Should -Not -Match "`t"
        $inRun = $false
        $runs = 0
        foreach ($line in $text -split "`n") {
            if ($line -match '^(\s+)run:\s*\|\s*$') { $inRun = $true; $runs++; $indent = $Matches[1].Length; continue }
            if ($inRun -and $line.Trim() -and ($line -replace '\S.*$').Length -le $indent) { $inRun = $false }
            if ($inRun) { $line | Should -Not -Match '\$\{\{' }
        }
        $runs | Should -BeGreaterThan 0
    }

    Context 'Parsed as YAML' {
        It 'is called with organizations (JSON), a folder of desired states and the App''s secrets, with least privilege' {
            if (-not $script:python) { Set-ItResult -Skipped -Because $script:noYamlReason; return }
            @($script:drift.on.Keys) | Should -Be @('workflow_call')
            $call = $script:drift.on.workflow_call
            $call.inputs.organizations.type | Should -Be 'string'
            $call.inputs.organizations.required | Should -Be 'true'
            $call.inputs['desired-state-path'].type | Should -Be 'string'
            $call.inputs.sync.type | Should -Be 'boolean'
            $call.inputs.sync.default | Should -Be 'false'
            $call.secrets['app-client-id'].required | Should -Be 'true'
            $call.secrets['app-private-key'].required | Should -Be 'true'
            @($script:drift.permissions.Keys) | Should -Be @('contents')
            $script:drift.permissions.contents | Should -Be 'read'
            $script:drift.defaults.run.shell | Should -Be 'pwsh'
        }

        It 'compares each organization in a matrix job, merges the artifacts, and syncs only behind an environment' {
            if (-not $script:python) { Set-ItResult -Skipped -Because $script:noYamlReason; return }
            $jobs = $script:drift.jobs
            @($jobs.Keys | Sort-Object) | Should -Be @('compare', 'summary', 'sync')
            $compare = $jobs.compare
            $compare.strategy.matrix.organization | Should -Be '${{ fromJSON(inputs.organizations) }}'
            $compare.strategy['fail-fast'] | Should -Be 'false'
            $compare.strategy['max-parallel'] | Should -Be '${{ inputs.max-parallel }}'
            $script = ($compare.steps | Where-Object { $_.ContainsKey('run') }).run -join "`n"
            $script | Should -Match 'Compare-GitHubOidcConfiguration -Path \$path -Context \$context'
            $script | Should -Match 'ClientId = \$env:APP_CLIENT_ID; PrivateKey = \$env:APP_PRIVATE_KEY'
            $script | Should -Match 'Out-GitHubOidcStepSummary'
            ($compare.steps | Where-Object { $_['name'] -eq 'Compare' }).env.APP_PRIVATE_KEY | Should -Be '${{ secrets.app-private-key }}'
            ($compare.steps | Where-Object { $_['uses'] -like 'actions/upload-artifact@*' }).with.name | Should -Be 'oidc-drift-${{ matrix.organization }}'

            $jobs.summary.needs | Should -Be 'compare'
            $jobs.summary.if | Should -Be 'always()'
            ($jobs.summary.steps | Where-Object { $_['uses'] -like 'actions/download-artifact@*' }).with.pattern | Should -Be 'oidc-drift-*'
            $jobs.summary.outputs.drift | Should -Be '${{ steps.merge.outputs.drift }}'

            $sync = $jobs.sync
            $sync.environment | Should -Be '${{ inputs.sync-environment }}'
            $sync.if | Should -Match 'inputs\.sync'
            $sync.if | Should -Match "needs\.summary\.outputs\.drift == 'true'"
            (($sync.steps | Where-Object { $_.ContainsKey('run') }).run -join "`n") | Should -Match 'Sync-GitHubOidcConfiguration -Path \$path -Context \$context -Confirm:\$false'

            foreach ($job in $jobs.GetEnumerator()) {
                $job.Value['runs-on'] | Should -Not -BeNullOrEmpty
                foreach ($step in $job.Value.steps) {
                    @('uses', 'run' | Where-Object { $step.ContainsKey($_) }).Count | Should -Be 1
                    if ($step.ContainsKey('uses')) {
                        $step.uses | Should -Match '^actions/(checkout|upload-artifact|download-artifact)@v\d+$'
                    }
                }
            }
        }
    }
}
