; Inno Setup 6 script: PromoDesk's Windows installer (CPU edition), PromoDesk-Setup-VERSION.exe.
;
; NOT BUILT OR TESTED: it needs Windows. On a Windows machine with Python 3.11, the package and
; PyInstaller installed (pip install -e . pyinstaller), from the repository root:
;   pyinstaller --noconfirm --workpath build\pyinstaller --distpath dist packaging\promodesk.spec
;   iscc packaging\promodesk.iss        (add /DAppVersion=X.Y.Z when promodesk/__init__.py changes)
; The spec makes dist\PromoDesk\PromoDesk.exe (the editor, no console window) and
; promodesk-cli.exe (the same program with a console, for `promodesk-cli make ...`).
; Then run the smoke test against it: python packaging\smoke_test.py dist\PromoDesk

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{B106CC2F-F53D-4DD8-B195-15A6F638EBE0}
AppName=PromoDesk
AppVersion={#AppVersion}
AppPublisher=PromoDesk
DefaultDirName={autopf}\PromoDesk
DefaultGroupName=PromoDesk
DisableProgramGroupPage=yes
; Per-user install without admin rights is offered; Program Files with them.
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=PromoDesk-Setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\PromoDesk.exe

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: executables, _internal\ (libraries, ffmpeg, Qt plugins) and
; _internal\resources\ (fonts, SoundFont and example briefs, each with its licence file).
Source: "..\dist\PromoDesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\PromoDesk"; Filename: "{app}\PromoDesk.exe"
Name: "{group}\{cm:UninstallProgram,PromoDesk}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\PromoDesk"; Filename: "{app}\PromoDesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\PromoDesk.exe"; Description: "{cm:LaunchProgram,PromoDesk}"; Flags: nowait postinstall skipifsilent
